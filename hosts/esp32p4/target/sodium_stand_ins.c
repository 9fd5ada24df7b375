/* What the five libsodium files of sodium_subset.cmake need from the rest of libsodium, written
 * here instead of building more of it. */
#include <stdlib.h>

#include <sodium.h>

/* The generic name the home base calls; in libsodium it lives in crypto_sign.c with the signing
 * functions, which the verify path does not need. Ed25519 is libsodium's only signature scheme. */
int crypto_sign_verify_detached(const unsigned char *sig, const unsigned char *m,
                                unsigned long long mlen, const unsigned char *pk)
{
    return crypto_sign_ed25519_verify_detached(sig, m, mlen, pk);
}

/* Starts the SHA-512 over R, A and the message. In libsodium it lives in sign.c with the signing
 * code, and also starts Ed25519ph's domain prefix; the home base verifies plain Ed25519 only
 * (crypto_sign_ed25519_verify_detached passes prehashed = 0), so a prehashed call is refused loudly
 * rather than hashed wrongly. */
void _crypto_sign_ed25519_ref10_hinit(crypto_hash_sha512_state *hs, int prehashed);

void _crypto_sign_ed25519_ref10_hinit(crypto_hash_sha512_state *hs, int prehashed)
{
    if (prehashed) {
        abort();
    }
    crypto_hash_sha512_init(hs);
}
