#ifndef ARRAKIS_WCSLIB_SHIM_H
#define ARRAKIS_WCSLIB_SHIM_H
/* wcslib (Calabretta & Greisen), through a few helpers that keep Swift away from its
   fixed-size char arrays and its print buffer. */
#include <wcslib.h>
#include <stdlib.h>
#include <string.h>

/* A copy of one of wcspih's results that outlives the array (free with arrakis_wcs_free). */
static inline struct wcsprm *arrakis_wcs_copy(const struct wcsprm *src) {
    struct wcsprm *dst = calloc(1, sizeof(struct wcsprm));
    if (!dst) return NULL;
    dst->flag = -1;
    if (wcssub(1, src, NULL, NULL, dst)) { wcsfree(dst); free(dst); return NULL; }
    return dst;
}

/* A default WCS of `naxis` linear axes (world = pixel), as for a header without WCS cards. */
static inline struct wcsprm *arrakis_wcs_default(int naxis) {
    struct wcsprm *wcs = calloc(1, sizeof(struct wcsprm));
    if (!wcs) return NULL;
    wcs->flag = -1;
    if (wcsini(1, naxis, wcs)) { wcsfree(wcs); free(wcs); return NULL; }
    return wcs;
}

static inline void arrakis_wcs_free(struct wcsprm *wcs) {
    if (!wcs) return;
    wcsfree(wcs);
    free(wcs);
}

static inline const char *arrakis_wcs_ctype(const struct wcsprm *wcs, int i) { return wcs->ctype[i]; }
static inline const char *arrakis_wcs_cunit(const struct wcsprm *wcs, int i) { return wcs->cunit[i]; }
static inline char arrakis_wcs_alt(const struct wcsprm *wcs) { return wcs->alt[0]; }

/* The message of the last error wcslib recorded in the struct, or "". */
static inline const char *arrakis_wcs_error(const struct wcsprm *wcs) {
    return (wcs && wcs->err && wcs->err->msg && wcs->err->msg[0]) ? wcs->err->msg : "";
}

/* Runs wcsfixi (all fixes, units not translated, as astropy does) and writes the message of
   each fix that changed something, separated by 0x1f (a message may hold newlines), to `out` (at most `size` bytes);
   `stat` receives each fixer's status (CDFIX ... CYLFIX; -1 no change, 0 changed, > 0 failed).
   Returns the number of fixes that failed with an error (their messages prefixed "error: "). */
static inline int arrakis_wcs_fix(struct wcsprm *wcs, const int *naxis, char *out, int size, int stat[NWCSFIX]) {
    struct wcserr info[NWCSFIX];
    memset(info, 0, sizeof info);
    wcsfixi(0, naxis, wcs, stat, info);
    int failures = 0;
    out[0] = '\0';
    for (int i = 0; i < NWCSFIX; i++) {
        /* wcserr's msg is allocated by wcslib (or NULL): read it, then free it. */
        const char *msg = info[i].msg;
        if (stat[i] != FIXERR_NO_CHANGE && msg && msg[0]) {
            if (stat[i] > 0) { failures++; strncat(out, "error: ", size - strlen(out) - 1); }
            strncat(out, msg, size - strlen(out) - 1);
            strncat(out, "\x1f", size - strlen(out) - 1);
        }
        free(info[i].msg);
        info[i].msg = NULL;
    }
    return failures;
}

/* wcspih's report of the keyrecords it rejected, and why (the caller frees it). */
static inline char *arrakis_wcspih_rejections(char *header, int nkeyrec) {
    int nreject = 0, nwcs = 0;
    struct wcsprm *wcs = NULL;
    wcsprintf_set(NULL);
    wcspih(header, nkeyrec, WCSHDR_all, 2, &nreject, &nwcs, &wcs);
    const char *text = wcsprintf_buf();
    char *copy = strdup(text ? text : "");
    wcsprintf_set(stdout);
    if (wcs) wcsvfree(&nwcs, &wcs);
    return copy;
}

/* wcsprt's text (the caller frees it). */
static inline char *arrakis_wcs_describe(const struct wcsprm *wcs) {
    wcsprintf_set(NULL);
    wcsprt(wcs);
    const char *text = wcsprintf_buf();
    char *copy = strdup(text ? text : "");
    wcsprintf_set(stdout);
    return copy;
}

/* The distortion functions in use: "prior:SIP" or "sequent:TPD" per axis that has one,
   separated by spaces, after wcsset. */
static inline void arrakis_wcs_distortions(const struct wcsprm *wcs, char *out, int size) {
    out[0] = '\0';
    const struct disprm *d[2] = { wcs->lin.dispre, wcs->lin.disseq };
    const char *name[2] = { "prior", "sequent" };
    for (int k = 0; k < 2; k++) {
        if (!d[k] || !d[k]->dtype) continue;
        for (int i = 0; i < wcs->naxis; i++) {
            if (d[k]->dtype[i][0] == '\0') continue;
            char item[128];
            snprintf(item, sizeof item, "%s%s:%d:%s", out[0] ? " " : "", name[k], i + 1, d[k]->dtype[i]);
            strncat(out, item, size - strlen(out) - 1);
        }
    }
}
#endif
