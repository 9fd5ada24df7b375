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

/* utils.c refers to these two from sodium_malloc (guard-page canaries) and its misuse checks, which
 * the verify path never calls. --gc-sections usually drops those references, but a build without
 * it would fail to link, and bare metal has no random source to give randombytes_buf. Both stop
 * the program, so a call that should never happen cannot go unnoticed. */
void randombytes_buf(void *const buf, const size_t size)
{
    (void)buf;
    (void)size;
    abort();
}

void sodium_misuse(void)
{
    abort();
}
