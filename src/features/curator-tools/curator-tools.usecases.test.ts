import { describe, expect, it } from 'vitest';
import { familyButtons, myButtons } from './curator-tools.keyboards.js';
import { parseFamilyQuery } from './curator-tools.usecases.js';

describe('parseFamilyQuery', () => {
  it('reads a phone in any spelling as a normalised phone', () => {
    for (const typed of ['+7 (900) 555-44-33', '89005554433', '9005554433', '+79005554433']) {
      expect(parseFamilyQuery(typed)).toEqual({ kind: 'phone', phone: '+79005554433' });
    }
  });

  it('reads a request number with or without №', () => {
    expect(parseFamilyQuery('1042')).toEqual({ kind: 'number', number: 1042 });
    expect(parseFamilyQuery('№ 1042')).toEqual({ kind: 'number', number: 1042 });
    expect(parseFamilyQuery('№1042')).toEqual({ kind: 'number', number: 1042 });
  });

  it('reads letters as part of a name, and refuses what is neither', () => {
    expect(parseFamilyQuery('  Иванова ')).toEqual({ kind: 'name', name: 'Иванова' });
    expect(parseFamilyQuery('')).toBeUndefined();
    expect(parseFamilyQuery('и')).toBeUndefined();
    expect(parseFamilyQuery('%%%')).toBeUndefined();
    expect(parseFamilyQuery('я'.repeat(101))).toBeUndefined();
  });
});

describe('callback data', () => {
  it('accepts only ids and known actions', () => {
    expect(myButtons.decode('my:p:2')).toEqual({ kind: 'page', page: 2 });
    expect(myButtons.decode('my:r:17')).toEqual({ kind: 'request', requestId: 17 });
    expect(familyButtons.decode('fam:5:measure')).toEqual({ kind: 'family', familyId: 5, action: 'measure' });
    for (const forged of ['my:x:1', 'my:p:-1', 'my:r:1;drop', 'fam:5:delete', 'fam:0:card', 'fam:a:card']) {
      expect(myButtons.decode(forged) ?? familyButtons.decode(forged)).toBeUndefined();
    }
  });
});
