export { RawOcppClient, UpgradeRefused, refusal } from '@evcsms/testing';
