/* Printable forms 01–06 (Decree 61/2018, Circular 01/2018/TT-VPCP) rendered to PDF. */
#ifndef MOTCUA_FORMS_H
#define MOTCUA_FORMS_H

/*
 * README — core/forms
 * ===================
 * Renders the six forms of the one-stop flow as vector PDF with cairo + pango:
 *   01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả     A5 portrait, QR
 *   02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ     A5 portrait, QR, "Số: …/HDHS"
 *   03 Phiếu từ chối tiếp nhận giải quyết hồ sơ     A5 portrait, QR
 *   04 Phiếu xin lỗi và hẹn lại ngày trả kết quả    A5 portrait, QR, "Số: …/PXL"
 *   05 Phiếu kiểm soát quá trình giải quyết hồ sơ   A5 portrait, QR
 *   06 Sổ theo dõi hồ sơ                           A4 landscape, no QR (one row per dossier)
 * Page sizes: A5 = 419.53 x 595.28 pt, A4 landscape = 841.89 x 595.28 pt. Long tables
 * continue on further pages with their header row repeated.
 *
 * Text is set with pango (font "Liberation Serif", falling back to "DejaVu Serif"), so
 * Vietnamese diacritics are shaped correctly and the PDF text is selectable and extractable
 * (pdftotext). Everything taken from `data` is plain text, never pango markup.
 *
 * QR code (ISO/IEC 18004, libqrencode, ECC level M, 8-bit mode, drawn as vector squares):
 * the payload is the UTF-8 text
 *     <dossier_code>|<procedure.code>|<lookup_url>
 * e.g. "H35.251122.0007|khaisinh|https://dichvucong.example.vn/tra-cuu". Neither field may
 * contain '|' (rejected with an error), so the payload splits unambiguously.
 *
 * Times are text "HH:MM dd/mm/yyyy" (Vietnam time, to the minute) and are printed the way
 * the official forms word them: "08 giờ 30 phút, ngày 22 tháng 11 năm 2025". Dates are
 * "dd/mm/yyyy" and print as "ngày 22 tháng 11 năm 2025". Malformed or impossible values
 * (31/04, 24:00) are an error naming the key. Form 05 and 06 table cells keep the short
 * "HH:MM dd/mm/yyyy" shape.
 *
 * Input keys (a jansson object; "R" = required, others optional; dotted names are nested
 * objects; numbers may be JSON integers or strings):
 *
 * Common to 01–05:
 *   agency.name R          receiving point, e.g. "Bộ phận Một cửa"   (top-left, bold capitals)
 *   agency.parent          its parent, e.g. "UBND tỉnh Hà Nam"      (top-left, above it)
 *   place                  place name for the date line, e.g. "Hà Nam"
 *   dossier_code R, procedure.code R, procedure.name R, applicant.name R,
 *   applicant.address, applicant.phone, applicant.email
 *   lookup_url R           address where the citizen looks the dossier up (in the QR; Form 01
 *                          also prints it)
 *
 * Form 01 (receipt):  copy ("1" | "2"; absent = both copies, one page each, marked
 *   "Liên 1: Lưu" / "Liên 2: Giao người nộp"), documents R: array (may be empty) of
 *   {title R, kind ("Bản chính", "Bản sao"…), copies}, sets R, time_limit_text R
 *   ("10 ngày làm việc"), received_at R, appointment_at R, return_place R ("Tại Bộ phận
 *   Một cửa" / "Qua dịch vụ bưu chính"), register_book R, register_line R, officer_name R,
 *   lookup_pin (the 6-digit lookup PIN, printed as "Mã tra cứu (PIN): …" under the lookup
 *   address, with how to look up, on the applicant's copy "Liên 2" only; absent = the
 *   address alone). The date line uses the date of received_at.
 * Form 02 (supplement request): number (sequence before "/HDHS"; absent = dots to fill by
 *   hand), issued_on R ("dd/mm/yyyy"), missing R: non-empty array of {title R, detail} —
 *   every missing item at once, reason, contact_phone, officer_name R.
 * Form 03 (refusal): issued_on R, reason R, officer_name R.
 * Form 04 (apology): number (before "/PXL"), issued_on R, received_at R, appointment_at R,
 *   reason R, new_appointment_at R, signer.name R, signer.title (default "THỦ TRƯỞNG CƠ QUAN").
 * Form 05 (control slip): received_at R, appointment_at R, lead_agency R, handovers R: array
 *   of {agency R, given_at R, received_at, giver R, receiver, result ("early" | "on_time" |
 *   "late" → Trước hạn / Đúng hạn / Quá hạn; absent = still in progress), note}.
 * Form 06 (register, A4 landscape): agency.name R, agency.parent, register_book, period
 *   ("Năm 2025"), rows R: array of {dossier_code R, procedure_name R, sets, applicant_name R,
 *   applicant_address, lead_agency R, received_at R, appointment_at R, transferred_at,
 *   result_at, returned_at, note}. A "Ký nhận" column is left blank for the signature.
 */

#include <stddef.h>

#include <jansson.h>

/* Renders form `form_number` (1..6) from `data` into a PDF at out_path, durably: the bytes
 * go to a temporary file in the same folder, which is fsync'ed and renamed over out_path,
 * then the folder is fsync'ed. Returns 0, or -1 with an English message in err (e.g.
 * "form 01: missing required key \"applicant.name\"") and out_path untouched (no temporary
 * file is left behind) — except when only the final fsync of the folder fails: the new file
 * is then in place but may not survive a crash. The file's mode is 0640 (personal data).
 * err may be NULL when errlen is 0. */
int forms_render(int form_number, const json_t *data, const char *out_path, char *err, size_t errlen);

/* The same, into memory: on success *out is a malloc'ed buffer of *outlen PDF bytes that the
 * caller frees. On error returns -1, sets err, and leaves *out NULL and *outlen 0. */
int forms_render_mem(int form_number, const json_t *data, unsigned char **out, size_t *outlen,
                     char *err, size_t errlen);

/* Releases the process-wide font caches that pango, cairo and fontconfig keep between
 * renders (they are meant to live until exit). Only for leak checkers at the very end of a
 * process (tests, valgrind runs): no render may be in progress in any thread, and rendering
 * again afterwards is allowed (the caches are rebuilt) but slow. */
void forms_release_font_caches(void);

/* A result document (kết quả giải quyết: Giấy khai sinh, Giấy chứng nhận đăng ký doanh
 * nghiệp...) on A5, from a department plugin's text: the national header with the agency
 * at the left, the first line of `text` as the title, then one paragraph per line ("Label:
 * value" lines print the value bold; an empty line is a gap). data keys: agency.name R,
 * agency.parent, number_line ("Số: ..."), text R (plain UTF-8, never markup). Same contract
 * as forms_render_mem: 0 and *out (malloc'ed, *outlen bytes), or -1 with err set. */
int forms_render_text_document(const json_t *data, unsigned char **out, size_t *outlen,
                               char *err, size_t errlen);

#endif
