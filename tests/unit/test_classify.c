/* Unit tests for page classification: every document of the demo procedures, with and without
 * diacritics, with OCR errors, continuation pages, the motto alone, unknown and confusable papers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "classify.h"
#include "fold.h"

#define MOTTO "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------\n"

/* One paper as a counter would scan it: its procedure, its expected id and its printed text. */
typedef struct paper {
    const char *procedure;
    const char *document;
    const char *text;
} paper;

static const paper PAPERS[] = {
    {"khaisinh", "khaisinh.tokhai",
     MOTTO "TỜ KHAI ĐĂNG KÝ KHAI SINH\n"
           "Kính gửi: Ủy ban nhân dân xã Phù Vân\n"
           "Họ, chữ đệm, tên người yêu cầu: Nguyễn Văn An\n"
           "Nơi cư trú: thôn 3, xã Phù Vân, tỉnh Ninh Bình\n"
           "Giấy tờ tùy thân: Căn cước số 035090001234\n"
           "Quan hệ với người được khai sinh: cha\n"
           "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:\n"
           "Họ, chữ đệm, tên: Nguyễn Minh Khôi   Giới tính: Nam\n"
           "Ngày, tháng, năm sinh: 02/11/2025   Nơi sinh: Bệnh viện Sản Nhi Ninh Bình\n"
           "Kèm theo: Giấy chứng sinh số 1234/2025\n"
           "Tôi cam đoan nội dung khai trên đây là đúng sự thật.\n"
           "Làm tại: Phù Vân, ngày 20 tháng 11 năm 2025   Người yêu cầu (ký, ghi rõ họ tên)\n"},
    {"khaisinh", "giaychungsinh",
     "BỘ Y TẾ\nBệnh viện Sản Nhi Ninh Bình   Số: 1234/2025\n" MOTTO
     "GIẤY CHỨNG SINH\n"
     "Họ và tên mẹ: Trần Thị Bình   Năm sinh: 1995\n"
     "Nơi đăng ký thường trú: xã Phù Vân, tỉnh Ninh Bình\n"
     "Số định danh cá nhân: 035195004321\n"
     "Đã sinh con vào lúc: 08 giờ 30 phút, ngày 02 tháng 11 năm 2025\n"
     "Tại: Bệnh viện Sản Nhi Ninh Bình   Số con trong lần sinh: 1\n"
     "Giới tính của con: Nam   Cân nặng: 3200 gam\n"
     "Dự kiến đặt tên con: Nguyễn Minh Khôi\n"
     "Người đỡ đẻ (ký, ghi rõ họ tên)   Thủ trưởng cơ sở y tế (ký, đóng dấu)\n"},
    {"khaisinh", "cccd",
     MOTTO "SOCIALIST REPUBLIC OF VIET NAM\nIndependence - Freedom - Happiness\n"
           "CĂN CƯỚC CÔNG DÂN\nCitizen Identity Card\n"
           "Số / No.: 035090001234\nHọ và tên / Full name: NGUYỄN VĂN AN\n"
           "Ngày sinh / Date of birth: 15/03/1990\nGiới tính / Sex: Nam  Quốc tịch / Nationality: Việt Nam\n"
           "Quê quán / Place of origin: Phù Vân, Ninh Bình\n"
           "Nơi thường trú / Place of residence: thôn 3, Phù Vân, Ninh Bình\n"
           "Có giá trị đến / Date of expiry: 15/03/2030\n"},
    {"khaisinh", "uyquyen",
     MOTTO "VĂN BẢN ỦY QUYỀN\n"
           "Hôm nay, ngày 18 tháng 11 năm 2025, tại Ủy ban nhân dân xã Phù Vân\n"
           "Bên ủy quyền: Nguyễn Văn An, căn cước số 035090001234\n"
           "Bên được ủy quyền: Trần Văn Bảo, căn cước số 035088007777\n"
           "Nội dung ủy quyền: thay mặt tôi nộp hồ sơ và nhận kết quả\n"
           "Thời hạn ủy quyền: từ ngày ký đến khi hoàn thành công việc\n"
           "Bên ủy quyền (ký, ghi rõ họ tên)   Bên được ủy quyền (ký, ghi rõ họ tên)\n"},
    {"lltp", "lltp.tokhai",
     "Mẫu số 03/2013/TT-LLTP\n" MOTTO
     "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP\n"
     "Kính gửi: Sở Tư pháp tỉnh Ninh Bình\n"
     "1. Họ và tên: Lê Thị Cúc   2. Giới tính: Nữ\n"
     "3. Ngày, tháng, năm sinh: 10/05/1988   4. Nơi sinh: Ninh Bình\n"
     "5. Quốc tịch: Việt Nam   6. Nơi thường trú: phường Đông Thành\n"
     "7. Giấy tờ tùy thân: Căn cước số 035188002222\n"
     "Tình trạng án tích: không có   Số lượng Phiếu đề nghị cấp: 1\n"
     "Tôi xin cam đoan những lời khai trên là đúng sự thật.\n"},
    {"dkdn", "dkdn.giaydenghi",
     MOTTO "GIẤY ĐỀ NGHỊ ĐĂNG KÝ DOANH NGHIỆP\n"
           "CÔNG TY TRÁCH NHIỆM HỮU HẠN HAI THÀNH VIÊN TRỞ LÊN\n"
           "Kính gửi: Phòng Đăng ký kinh doanh tỉnh Ninh Bình\n"
           "Tôi là: Phạm Quốc Dũng   Đăng ký công ty do tôi là người đại diện theo pháp luật\n"
           "Tình trạng thành lập: thành lập mới\n"
           "Tên công ty viết bằng tiếng Việt: CÔNG TY TNHH THƯƠNG MẠI HOA LƯ\n"
           "Địa chỉ trụ sở chính: số 12 đường Trần Hưng Đạo, Ninh Bình\n"
           "Ngành, nghề kinh doanh: bán buôn thực phẩm   Vốn điều lệ: 2.000.000.000 đồng\n"},
    {"dkdn", "dkdn.dieule",
     "ĐIỀU LỆ CÔNG TY\nCÔNG TY TNHH THƯƠNG MẠI HOA LƯ\n"
     "Chương I. Những quy định chung\n"
     "Điều 1. Hình thức: công ty trách nhiệm hữu hạn hai thành viên trở lên\n"
     "Điều 2. Tên công ty: CÔNG TY TNHH THƯƠNG MẠI HOA LƯ\n"
     "Điều 3. Trụ sở chính: số 12 đường Trần Hưng Đạo, Ninh Bình\n"
     "Điều 4. Ngành, nghề kinh doanh: bán buôn thực phẩm\n"
     "Điều 5. Vốn điều lệ: 2.000.000.000 đồng\n"
     "Điều 6. Người đại diện theo pháp luật: Giám đốc\n"},
    {"dkdn", "dkdn.danhsachtv",
     MOTTO "DANH SÁCH THÀNH VIÊN CÔNG TY TRÁCH NHIỆM HỮU HẠN HAI THÀNH VIÊN TRỞ LÊN\n"
           "STT | Tên thành viên | Ngày sinh | Giới tính | Quốc tịch | Địa chỉ liên lạc | Vốn góp\n"
           "1 | Phạm Quốc Dũng | 12/02/1985 | Nam | Việt Nam | Ninh Bình | 1.200.000.000\n"
           "2 | Đỗ Thị Hà | 03/09/1987 | Nữ | Việt Nam | Ninh Bình | 800.000.000\n"
           "Người đại diện theo pháp luật của công ty (ký, ghi họ tên)\n"},
    {"gpxd", "gpxd.don",
     MOTTO "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG\n"
           "Sử dụng cho nhà ở riêng lẻ\n"
           "Kính gửi: Ủy ban nhân dân xã Phù Vân\n"
           "1. Thông tin về chủ đầu tư: Hoàng Văn Em, địa chỉ thôn 5, xã Phù Vân\n"
           "2. Thông tin công trình: lô đất số 45, tờ bản đồ số 12, diện tích 120 m2\n"
           "3. Nội dung đề nghị cấp phép: nhà ở 3 tầng, tổng diện tích sàn 300 m2\n"
           "4. Dự kiến thời gian hoàn thành công trình: 8 tháng\n"
           "5. Cam kết: tôi xin cam đoan làm theo đúng giấy phép được cấp\n"},
    {"gpxd", "gcn.qsdd",
     "BẢN SAO\n" MOTTO
     "GIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT\nQUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT\n"
     "I. Người sử dụng đất, chủ sở hữu nhà ở: Ông Hoàng Văn Em, năm sinh 1980\n"
     "II. Thửa đất: thửa số 45, tờ bản đồ số 12, diện tích 120 m2\n"
     "Hình thức sử dụng: riêng   Mục đích sử dụng: đất ở tại nông thôn\n"
     "Thời hạn sử dụng: lâu dài   Nguồn gốc: Nhà nước công nhận\n"},
    {"gpxd", "gpxd.banve",
     "MẶT BẰNG TẦNG 1  TỶ LỆ 1/100\nMẶT ĐỨNG TRỤC 1-4\n"
     "3600  4200  3600\nA  B  C\n"
     "BẢN VẼ THIẾT KẾ XÂY DỰNG  NHÀ Ở RIÊNG LẺ\nChủ đầu tư: Hoàng Văn Em   Bản vẽ số: KT-01\n"},
    {"dkdd", "dkdd.don",
     "Mẫu số 04a/ĐK\n" MOTTO
     "ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT\n"
     "Kính gửi: Văn phòng đăng ký đất đai tỉnh Ninh Bình\n"
     "I. Phần kê khai của người đăng ký\n"
     "1. Người sử dụng đất: Vũ Văn Giang, căn cước số 035075003333\n"
     "2. Thửa đất đăng ký: thửa số 88, tờ bản đồ số 7, diện tích 250 m2\n"
     "3. Tài sản gắn liền với đất: nhà ở một tầng\n"
     "4. Giấy tờ nộp kèm theo: giấy tờ về quyền sử dụng đất\n"},
    {"dkdd", "dkdd.giayto",
     MOTTO "GIẤY TỜ VỀ QUYỀN SỬ DỤNG ĐẤT\n"
           "Biên bản giao đất năm 1992 của Hợp tác xã nông nghiệp Phù Vân\n"
           "Hộ ông Vũ Văn Giang được giao thửa số 88, tờ bản đồ số 7, diện tích 250 m2\n"
           "Mục đích: đất ở và đất vườn liền kề\n"},
};
#define PAPER_COUNT (sizeof PAPERS / sizeof PAPERS[0])

typedef struct fixture {
    catalogue *cat;
} fixture;

static int setup(void **state)
{
    static const char *const files[][2] = {
        {"plugins/tuphap/tuphap.json", "tuphap"},     {"plugins/congan/congan.json", "congan"},
        {"plugins/taichinh/taichinh.json", "taichinh"}, {"plugins/xaydung/xaydung.json", "xaydung"},
        {"plugins/nnmt/nnmt.json", "nnmt"},
    };
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL || (f->cat = catalogue_new()) == NULL) {
        free(f);
        return -1;
    }
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char err[512] = "";
        if (catalogue_load_file(f->cat, files[i][0], files[i][1], err, sizeof err) != 0) {
            fprintf(stderr, "catalogue: %s\n", err);
            catalogue_free(f->cat);
            free(f);
            return -1;
        }
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    catalogue_free(f->cat);
    free(f);
    return 0;
}

static const cat_version *version_of(const fixture *f, const char *code)
{
    const cat_procedure *p = catalogue_find(f->cat, code);
    assert_non_null(p);
    assert_true(p->version_count > 0);
    return &p->versions[p->version_count - 1];
}

/* Classifies one page alone against the procedure and checks the id (NULL: none). */
static void expect_page(const fixture *f, const char *procedure, const char *text, const char *want,
                        const char *label)
{
    classify_page page = {text, false};
    classify_result r;
    classify_pages(version_of(f, procedure), &page, 1, &r);
    if ((want == NULL) != (r.document == NULL) ||
        (want != NULL && strcmp(want, r.document) != 0)) {
        fprintf(stderr, "%s: %s page classified as %s (%.2f), expected %s\n--- text:\n%s\n", label,
                procedure, r.document ? r.document : "(none)", r.confidence, want ? want : "(none)",
                text);
    }
    if (want == NULL) {
        assert_null(r.document);
    } else {
        assert_non_null(r.document);
        assert_string_equal(r.document, want);
        assert_false(r.continuation);
        assert_true(r.confidence > 0.0 && r.confidence <= 1.0);
    }
}

/* Lost diacritics as an OCR engine without Vietnamese would read it: folded, then upper case restored. */
static char *without_diacritics(const char *text)
{
    char *folded = fold_text(text);
    assert_non_null(folded);
    for (char *p = folded; *p != '\0'; p++)
        if (*p >= 'a' && *p <= 'z' && (p == folded || p[-1] == ' '))
            *p = (char)(*p - 'a' + 'A');
    return folded;
}

/* Deterministic OCR-like damage on folded text: in turn, swaps two inner letters of a
 * word, drops a letter, reads a leading d as a, breaks a word in two; short words
 * are left alone, as OCR mostly damages them into other short words anyway. */
static char *ocr_damage(const char *text, unsigned seed)
{
    char *folded = fold_text(text);
    assert_non_null(folded);
    size_t len = strlen(folded);
    char *out = malloc(2 * len + 2);
    assert_non_null(out);
    size_t o = 0;
    unsigned word = seed;
    const char *p = folded;
    while (*p != '\0') {
        const char *w = p;
        while (*p != '\0' && *p != ' ')
            p++;
        size_t wl = (size_t)(p - w);
        char buf[128];
        size_t bl = wl < sizeof buf - 2 ? wl : sizeof buf - 2;
        memcpy(buf, w, bl);
        buf[bl] = '\0';
        if (bl >= 4) {
            switch (word++ % 5) {
            case 0: { char t = buf[1]; buf[1] = buf[2]; buf[2] = t; break; }   /* khai -> kahi */
            case 1: memmove(buf + bl - 2, buf + bl - 1, 2); bl--; break;         /* chung -> chug */
            case 2: if (buf[0] == 'd') buf[0] = 'a'; break;                      /* dang -> aang */
            case 3: memmove(buf + 3, buf + 2, bl - 1); buf[2] = ' '; bl++; break; /* quyen -> qu yen */
            default: break;
            }
        }
        memcpy(out + o, buf, bl);
        o += bl;
        if (*p == ' ')
            out[o++] = *p++;
    }
    out[o] = '\0';
    free(folded);
    return out;
}

static void test_every_document_as_printed(void **state)
{
    const fixture *f = *state;
    for (size_t i = 0; i < PAPER_COUNT; i++)
        expect_page(f, PAPERS[i].procedure, PAPERS[i].text, PAPERS[i].document, "printed");
}

static void test_every_document_without_diacritics(void **state)
{
    const fixture *f = *state;
    for (size_t i = 0; i < PAPER_COUNT; i++) {
        char *t = without_diacritics(PAPERS[i].text);
        expect_page(f, PAPERS[i].procedure, t, PAPERS[i].document, "no diacritics");
        free(t);
    }
}

static void test_every_document_with_ocr_errors(void **state)
{
    const fixture *f = *state;
    for (unsigned seed = 0; seed < 5; seed++) {
        for (size_t i = 0; i < PAPER_COUNT; i++) {
            char *t = ocr_damage(PAPERS[i].text, seed);
            expect_page(f, PAPERS[i].procedure, t, PAPERS[i].document, "ocr damage");
            free(t);
        }
    }
}

/* Errors written out by hand, as Tesseract makes them on poor scans. */
static void test_hand_written_ocr_errors(void **state)
{
    const fixture *f = *state;
    expect_page(f, "khaisinh", "CONG HOA XA HOI CHU NGHIA VIET NAM\nDoc lap - Tu do - Hanh phuc\n"
                               "TÒ KHAl ĐANG KY KHAl SlNH\nKính gửi: UBND xã\nHọ tên: Nguyễn Văn An\n",
                "khaisinh.tokhai", "hand: l for i, grave for hook");
    expect_page(f, "khaisinh", "GlẤY CHÚNG SlNH\nHọ và tên mẹ: Trần Thị Bình\n", "giaychungsinh",
                "hand: l for I, ú for ứ");
    expect_page(f, "khaisinh", "GIAY CHNG SINH\nHo va ten me: Tran Thi Binh\n", "giaychungsinh",
                "hand: missing letter");
    expect_page(f, "lltp", "TO KHAI YEU CAU CAP PHIEU LY LICH TU PHAP\n1. Ho va ten:\n", "lltp.tokhai",
                "hand: plain ASCII");
    expect_page(f, "lltp", "TỜ KHAI YÊU CẦU CẤP PHIÊU LÝ LICH TỨ PHÁP\n", "lltp.tokhai",
                "hand: wrong tones");
    expect_page(f, "gpxd", "aƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỤNG\nKính gửi: Ủy ban nhân dân\n", "gpxd.don",
                "hand: Đ read as a");
    expect_page(f, "gpxd", "DON DE NGHI CAP GIAYPHEP XAYDUNG\nKinh gui: UBND xa Phu Van\n", "gpxd.don",
                "hand: two words run together");
    expect_page(f, "dkdd", "ĐƠN ĐĂNG K Ý ĐẤT ĐA I, TÀI SẢN GẮN LIỀ N VỚI ĐẤT\nKính gửi:\n", "dkdd.don",
                "hand: broken words");
    expect_page(f, "dkdn", "DlỀU LỆ CÔNG TV\nChương I. Những quy định chung\nĐiều 1.\n", "dkdn.dieule",
                "hand: Y read as V");
    expect_page(f, "khaisinh", "CĂN CUỚC CÔNG DẨN\nCitizen ldentity Card\nSố: 035090001234\n", "cccd",
                "hand: ID card");
}

/* Layouts where the title is not one line alone: split over lines, inside a decision, on a drawing. */
static void test_other_layouts(void **state)
{
    const fixture *f = *state;
    expect_page(f, "dkdn",
                MOTTO "ĐIỀU LỆ\nCÔNG TY TRÁCH NHIỆM HỮU HẠN THƯƠNG MẠI HOA LƯ\n"
                      "Căn cứ Luật Doanh nghiệp số 59/2020/QH14 ngày 17 tháng 6 năm 2020;\n"
                      "Chương I\nNHỮNG QUY ĐỊNH CHUNG\nĐiều 1. Tên công ty\n",
                "dkdn.dieule", "title over two lines");
    expect_page(f, "gpxd",
                "GIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT\nQUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC\nGẮN LIỀN VỚI ĐẤT\n"
                "CX 123456\nI. Người sử dụng đất, chủ sở hữu nhà ở\n",
                "gcn.qsdd", "certificate title over four lines");
    expect_page(f, "dkdd",
                "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ PHÙ VÂN Độc lập - Tự do - Hạnh phúc\n"
                "Số: 125/QĐ-UB\nQUYẾT ĐỊNH\nVề việc giao quyền sử dụng đất ở cho hộ gia đình\n"
                "ỦY BAN NHÂN DÂN XÃ PHÙ VÂN\nCăn cứ Luật Đất đai năm 1993;\n"
                "Điều 1. Giao cho hộ ông Vũ Văn Hải quyền sử dụng đất ở tại thửa đất số 88\n",
                "dkdd.giayto", "decision granting land use");
    expect_page(f, "gpxd",
                "PHÒNG KHÁCH\nPHÒNG NGỦ BẾP\nWC\n1 2 3\nA\nB\nC\nD\n3600 4200\n"
                "MẶT BẰNG TẦNG 1 - TỶ LỆ 1/100\nCÔNG TY TƯ VẤN THIẾT KẾ AN PHÚ\n"
                "CÔNG TRÌNH: NHÀ Ở RIÊNG LẺ\nCHỦ ĐẦU TƯ: HOÀNG VĂN EM\nBẢN VẼ THIẾT KẾ XÂY DỰNG\n"
                "MẶT BẰNG TẦNG 1\nKÝ HIỆU: KT-01\nTỶ LỆ: 1/100\n",
                "gpxd.banve", "floor plan");
}

static void test_motto_alone_is_nothing(void **state)
{
    const fixture *f = *state;
    static const char *const codes[] = {"khaisinh", "lltp", "dkdn", "gpxd", "dkdd"};
    for (size_t i = 0; i < 5; i++) {
        expect_page(f, codes[i], MOTTO, NULL, "motto");
        expect_page(f, codes[i], "CONG HOA XA HOI CHU NGHIA VIET NAM\nDOC LAP TU DO HANH PHUC\n", NULL,
                    "motto ascii");
        expect_page(f, codes[i], "", NULL, "empty");
    }
}

static void test_unknown_paper_is_nothing(void **state)
{
    const fixture *f = *state;
    static const char *const unknown[] = {
        MOTTO "HỢP ĐỒNG MUA BÁN XE Ô TÔ\nBên bán: Công ty cổ phần ô tô Ninh Bình\n"
              "Bên mua: Nguyễn Văn An\nGiá bán: 650.000.000 đồng\nPhương thức thanh toán: chuyển khoản\n",
        "HÓA ĐƠN GIÁ TRỊ GIA TĂNG\nĐơn vị bán hàng: Siêu thị Hoa Lư\nTổng cộng tiền thanh toán: 125.000\n",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n",
        MOTTO "GIẤY KHÁM SỨC KHỎE\nHọ và tên: Lê Văn Hùng\nKết luận: đủ sức khỏe học tập và làm việc\n",
        /* near misses: most words of a title, but another paper */
        MOTTO "GIẤY CHỨNG NHẬN KẾT HÔN\nHọ, chữ đệm, tên vợ: Trần Thị Bình\nHọ, chữ đệm, tên chồng: Nguyễn Văn An\n",
        MOTTO "TỜ KHAI ĐĂNG KÝ KẾT HÔN\nKính gửi: Ủy ban nhân dân xã Phù Vân\n",
        MOTTO "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP KINH DOANH\nKính gửi: Sở Công Thương\n",
    };
    static const char *const codes[] = {"khaisinh", "lltp", "dkdn", "gpxd", "dkdd"};
    for (size_t u = 0; u < sizeof unknown / sizeof unknown[0]; u++)
        for (size_t i = 0; i < 5; i++)
            expect_page(f, codes[i], unknown[u], NULL, "unknown paper");
}

/* A paper of another procedure is not one of this procedure's documents. */
static void test_paper_of_other_procedure(void **state)
{
    const fixture *f = *state;
    expect_page(f, "khaisinh", PAPERS[4].text, NULL, "lltp form in khaisinh"); /* lltp.tokhai */
    expect_page(f, "lltp", PAPERS[0].text, NULL, "khaisinh form in lltp");    /* khaisinh.tokhai */
}

/* One version holding both "Tờ khai" documents, as a mixed batch would need. */
static void test_confusable_titles(void **state)
{
    const fixture *f = *state;
    const cat_version *ks = version_of(f, "khaisinh");
    const cat_version *lt = version_of(f, "lltp");
    cat_document docs[2] = {ks->documents[0], lt->documents[0]};
    assert_string_equal(docs[0].id, "khaisinh.tokhai");
    assert_string_equal(docs[1].id, "lltp.tokhai");
    cat_version mixed = *ks;
    mixed.documents = docs;
    mixed.document_count = 2;

    char *ks_plain = without_diacritics(PAPERS[0].text);
    char *lt_plain = without_diacritics(PAPERS[4].text);
    char *ks_damaged = ocr_damage(PAPERS[0].text, 2);
    char *lt_damaged = ocr_damage(PAPERS[4].text, 2);
    classify_page pages[] = {
        {PAPERS[0].text, false}, {PAPERS[4].text, false}, {ks_plain, false},
        {lt_plain, false},       {ks_damaged, false},     {lt_damaged, false},
        {"TO KHAI\n", false}, /* "Tờ khai" alone names neither: a continuation of the one before */
    };
    classify_result r[7];
    classify_pages(&mixed, pages, 7, r);
    for (size_t i = 0; i < 6; i++) {
        assert_non_null(r[i].document);
        assert_string_equal(r[i].document, i % 2 == 0 ? "khaisinh.tokhai" : "lltp.tokhai");
        assert_false(r[i].continuation);
    }
    assert_string_equal(r[6].document, "lltp.tokhai");
    assert_true(r[6].continuation);
    free(ks_plain);
    free(lt_plain);
    free(ks_damaged);
    free(lt_damaged);

    /* the scores say why: each title scores high on its own paper, low on the other */
    char *ks_folded = fold_text(PAPERS[0].text);
    char *lt_folded = fold_text(PAPERS[4].text);
    assert_true(classify_score(&docs[0], ks_folded) > 0.9);
    assert_true(classify_score(&docs[1], lt_folded) > 0.9);
    assert_true(classify_score(&docs[0], lt_folded) < 0.55);
    assert_true(classify_score(&docs[1], ks_folded) < 0.55);
    free(ks_folded);
    free(lt_folded);
}

static void test_continuation_pages(void **state)
{
    const fixture *f = *state;
    const char *body2 = "Điều 7. Quyền và nghĩa vụ của thành viên\n"
                        "Thành viên có quyền tham dự họp Hội đồng thành viên, thảo luận, kiến nghị, "
                        "biểu quyết các vấn đề thuộc thẩm quyền.\n"
                        "Điều 8. Hội đồng thành viên gồm tất cả thành viên công ty.\n";
    const char *body3 = "Điều 12. Phân chia lợi nhuận sau khi hoàn thành nghĩa vụ thuế.\n"
                        "Điều 13. Điều lệ này có hiệu lực kể từ ngày ký.\n";
    classify_page pages[] = {
        {"", true},                 /* 0: blank before anything: never classified */
        {body2, false},             /* 1: body with nothing before: none */
        {PAPERS[6].text, false},    /* 2: Điều lệ công ty */
        {body2, false},             /* 3: continues it */
        {"", true},                 /* 4: blank back: flagged, not classified */
        {body3, false},             /* 5: still the charter after the blank back */
        {PAPERS[7].text, false},    /* 6: members list */
        {NULL, false},              /* 7: failed page: unknown */
        {body3, false},             /* 8: cannot continue across a failed page */
        {PAPERS[5].text, true},     /* 9: flagged blank wins over its text */
    };
    size_t n = sizeof pages / sizeof pages[0];
    classify_result r[sizeof pages / sizeof pages[0]];
    classify_pages(version_of(f, "dkdn"), pages, n, r);

    assert_null(r[0].document);
    assert_null(r[1].document);
    assert_string_equal(r[2].document, "dkdn.dieule");
    assert_false(r[2].continuation);
    assert_string_equal(r[3].document, "dkdn.dieule");
    assert_true(r[3].continuation);
    assert_true(r[3].confidence > 0.0 && r[3].confidence < r[2].confidence);
    assert_null(r[4].document);
    assert_false(r[4].continuation);
    assert_string_equal(r[5].document, "dkdn.dieule");
    assert_true(r[5].continuation);
    assert_string_equal(r[6].document, "dkdn.danhsachtv");
    assert_false(r[6].continuation);
    assert_null(r[7].document);
    assert_null(r[8].document);
    assert_null(r[9].document);

    /* a body that quotes another document's title still continues its own document */
    classify_page ks[] = {
        {PAPERS[0].text, false},
        {"Giấy tờ kèm theo:\n- Giấy chứng sinh số 1234/2025 do Bệnh viện Sản Nhi cấp\n"
         "- Văn bản ủy quyền (nếu có)\nNgười yêu cầu cam đoan các thông tin trên là đúng sự thật\n"
         "và chịu trách nhiệm trước pháp luật về lời khai của mình.\n", false},
    };
    classify_result kr[2];
    classify_pages(version_of(f, "khaisinh"), ks, 2, kr);
    assert_string_equal(kr[0].document, "khaisinh.tokhai");
    assert_string_equal(kr[1].document, "khaisinh.tokhai");
    assert_true(kr[1].continuation);
}

static void test_score_bounds(void **state)
{
    const fixture *f = *state;
    const cat_version *v = version_of(f, "gpxd");
    for (size_t i = 0; i < PAPER_COUNT; i++) {
        char *folded = fold_text(PAPERS[i].text);
        for (size_t d = 0; d < v->document_count; d++) {
            double s = classify_score(&v->documents[d], folded);
            assert_true(s >= 0.0 && s <= 1.0);
        }
        free(folded);
    }
    assert_true(classify_score(&v->documents[0], NULL) == 0.0);
    assert_true(classify_score(&v->documents[0], "") == 0.0);
    /* nothing to classify into */
    cat_version empty = *v;
    empty.document_count = 0;
    classify_page page = {PAPERS[8].text, false};
    classify_result r = {"x", 1.0, true};
    classify_pages(&empty, &page, 1, &r);
    assert_null(r.document);
    assert_false(r.continuation);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_document_as_printed),
        cmocka_unit_test(test_every_document_without_diacritics),
        cmocka_unit_test(test_every_document_with_ocr_errors),
        cmocka_unit_test(test_hand_written_ocr_errors),
        cmocka_unit_test(test_other_layouts),
        cmocka_unit_test(test_motto_alone_is_nothing),
        cmocka_unit_test(test_unknown_paper_is_nothing),
        cmocka_unit_test(test_paper_of_other_procedure),
        cmocka_unit_test(test_confusable_titles),
        cmocka_unit_test(test_continuation_pages),
        cmocka_unit_test(test_score_bounds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
