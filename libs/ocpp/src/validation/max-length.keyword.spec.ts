import { codePointLength } from './max-length.keyword';

describe('codePointLength', () => {
  it('counts characters, not UTF-16 units', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('TAG001')).toBe(6);
    expect(codePointLength('Zürich')).toBe(6);
    expect(codePointLength('🔌⚡')).toBe(2);
    expect(codePointLength('a🔌b')).toBe(3);
  });

  it('counts a lone surrogate as one character, like ajv', () => {
    expect(codePointLength('\uD83D')).toBe(1);
    expect(codePointLength('\uD83Dx')).toBe(2);
    expect(codePointLength('\uDC0Cx')).toBe(2);
  });
});
