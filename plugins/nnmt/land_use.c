/* Land use type codes (mã loại đất) of the Land Law 2024, Art. 9, as used on
 * cadastral records (Circular 08/2024/TT-BTNMT). */
#include "land_use.h"

#include <stddef.h>
#include <strings.h>

#define LU_AGRI "Nhóm đất nông nghiệp"
#define LU_NONAGRI "Nhóm đất phi nông nghiệp"
#define LU_UNUSED "Nhóm đất chưa sử dụng"

static const struct land_use land_uses[] = {
    { "LUC", "Đất chuyên trồng lúa", LU_AGRI },
    { "LUK", "Đất trồng lúa còn lại", LU_AGRI },
    { "HNK", "Đất trồng cây hằng năm khác", LU_AGRI },
    { "CLN", "Đất trồng cây lâu năm", LU_AGRI },
    { "RDD", "Đất rừng đặc dụng", LU_AGRI },
    { "RPH", "Đất rừng phòng hộ", LU_AGRI },
    { "RSX", "Đất rừng sản xuất", LU_AGRI },
    { "NTS", "Đất nuôi trồng thủy sản", LU_AGRI },
    { "CNT", "Đất chăn nuôi tập trung", LU_AGRI },
    { "LMU", "Đất làm muối", LU_AGRI },
    { "NKH", "Đất nông nghiệp khác", LU_AGRI },
    { "ONT", "Đất ở tại nông thôn", LU_NONAGRI },
    { "ODT", "Đất ở tại đô thị", LU_NONAGRI },
    { "TSC", "Đất xây dựng trụ sở cơ quan", LU_NONAGRI },
    { "CQP", "Đất quốc phòng", LU_NONAGRI },
    { "CAN", "Đất an ninh", LU_NONAGRI },
    { "DVH", "Đất xây dựng cơ sở văn hóa", LU_NONAGRI },
    { "DXH", "Đất xây dựng cơ sở dịch vụ xã hội", LU_NONAGRI },
    { "DYT", "Đất xây dựng cơ sở y tế", LU_NONAGRI },
    { "DGD", "Đất xây dựng cơ sở giáo dục và đào tạo", LU_NONAGRI },
    { "DTT", "Đất xây dựng cơ sở thể dục, thể thao", LU_NONAGRI },
    { "SKK", "Đất khu công nghiệp", LU_NONAGRI },
    { "SKN", "Đất cụm công nghiệp", LU_NONAGRI },
    { "TMD", "Đất thương mại, dịch vụ", LU_NONAGRI },
    { "SKC", "Đất cơ sở sản xuất phi nông nghiệp", LU_NONAGRI },
    { "SKS", "Đất sử dụng cho hoạt động khoáng sản", LU_NONAGRI },
    { "DGT", "Đất công trình giao thông", LU_NONAGRI },
    { "DTL", "Đất công trình thủy lợi", LU_NONAGRI },
    { "DCH", "Đất chợ dân sinh, chợ đầu mối", LU_NONAGRI },
    { "TON", "Đất tôn giáo", LU_NONAGRI },
    { "TIN", "Đất tín ngưỡng", LU_NONAGRI },
    { "NTD", "Đất nghĩa trang, nhà tang lễ, cơ sở hỏa táng; đất cơ sở lưu giữ tro cốt",
      LU_NONAGRI },
    { "SON", "Đất sông, ngòi, kênh, rạch, suối", LU_NONAGRI },
    { "MNC", "Đất có mặt nước chuyên dùng", LU_NONAGRI },
    { "PNK", "Đất phi nông nghiệp khác", LU_NONAGRI },
    { "BCS", "Đất bằng chưa sử dụng", LU_UNUSED },
    { "DCS", "Đất đồi núi chưa sử dụng", LU_UNUSED },
    { "NCS", "Núi đá không có rừng cây", LU_UNUSED },
};

#define LAND_USE_COUNT (sizeof land_uses / sizeof land_uses[0])

const struct land_use *land_use_find(const char *code)
{
    if (code == NULL)
        return NULL;
    for (size_t i = 0; i < LAND_USE_COUNT; i++)
        if (strcasecmp(code, land_uses[i].code) == 0)
            return &land_uses[i];
    return NULL;
}

json_t *land_use_list_json(void)
{
    json_t *codes = json_array();
    if (codes == NULL)
        return NULL;
    for (size_t i = 0; i < LAND_USE_COUNT; i++) {
        json_t *entry = json_pack("{s:s, s:s, s:s}", "code", land_uses[i].code, "name",
                                  land_uses[i].name, "group", land_uses[i].group);
        if (entry == NULL || json_array_append_new(codes, entry) != 0) {
            json_decref(codes);
            return NULL;
        }
    }
    return json_pack("{s:[s, s], s:I, s:o}", "legal_basis",
                     "Luật Đất đai số 31/2024/QH15, Điều 9 (phân loại đất)",
                     "Thông tư số 08/2024/TT-BTNMT (ký hiệu loại đất)", "count",
                     (json_int_t)LAND_USE_COUNT, "codes", codes);
}
