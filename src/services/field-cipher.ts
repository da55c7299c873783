/** What services need from the at-rest cipher (implemented by src/security/crypto.ts's FieldCipher). */
export interface FieldCipherLike {
  encrypt(plain: string): string;
  decrypt(token: string): string;
}
