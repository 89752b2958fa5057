/* core/forms: QR codes (ISO/IEC 18004, libqrencode) drawn as vector squares. */
#include <errno.h>
#include <string.h>

#include <qrencode.h>

#include "forms_internal.h"

#define FORM_QR_QUIET 2 /* modules of white border kept inside the box */

int form_qr(struct form_doc *doc, double x, double y, double size, const char *payload)
{
    errno = 0;
    QRcode *qr = QRcode_encodeString8bit(payload, 0, QR_ECLEVEL_M);
    if (qr == NULL)
        return form_fail(doc, "cannot make the QR code (%s)", errno ? strerror(errno) : "unknown error");
    const int n = qr->width;
    const double m = size / (double)(n + 2 * FORM_QR_QUIET);
    cairo_save(doc->cr);
    cairo_set_source_rgb(doc->cr, 0, 0, 0);
    for (int r = 0; r < n; r++) {
        for (int c = 0; c < n; c++) {
            /* Bit 0 of each byte is the module's colour (1 = dark). */
            if (qr->data[r * n + c] & 1)
                cairo_rectangle(doc->cr, x + (c + FORM_QR_QUIET) * m, y + (r + FORM_QR_QUIET) * m, m, m);
        }
    }
    /* One fill for all modules: adjacent squares merge without hairline seams. */
    cairo_fill(doc->cr);
    cairo_restore(doc->cr);
    QRcode_free(qr);
    return 0;
}
