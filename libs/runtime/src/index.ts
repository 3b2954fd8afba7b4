export { spineFromEnv, type Spine } from './spine';
