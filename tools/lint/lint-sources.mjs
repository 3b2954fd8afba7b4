// Lints source texts as if they were files at the given paths, with the repository's real
// config, and prints the messages as JSON. Runs outside jest, whose VM cannot load ESM configs.
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';

const cases = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({ cwd: process.cwd() });
const results = [];
for (const { filePath, source } of cases) {
  const [result] = await eslint.lintText(source, { filePath });
  results.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
}
process.stdout.write(JSON.stringify(results));
