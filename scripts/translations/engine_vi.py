"""Vietnamese for scoring at the edges (issue 12): one-value bands, leaves without input, agencies not
ranked; used with scripts/fill_po.py."""

VI = {
    # criteria sets: threshold bands and the agencies not ranked
    "band %(position)s: min %(band_min)s must be below max %(band_max)s, or equal to it with both bounds "
    "included": "khoảng %(position)s: cận dưới %(band_min)s phải nhỏ hơn cận trên %(band_max)s, hoặc bằng "
    "cận trên khi gồm cả hai cận",
    "agencies not ranked": "cơ quan không xếp hạng",
    "'unranked' must be a list of agency codes": "'unranked' phải là danh sách mã cơ quan",
    "%(code)s is not an agency of block %(block)s active in period %(period)s": (
        "%(code)s không phải cơ quan thuộc khối %(block)s còn hoạt động trong kỳ %(period)s"
    ),
    "Assessed and published with their index, areas and head class, but kept out of the ranking, the "
    "bands and the rank changes of this period.": (
        "Được đánh giá và công bố chỉ số, chỉ số thành phần và xếp loại người đứng đầu, nhưng không tham gia "
        "xếp hạng, xếp nhóm và tăng, giảm bậc trong kỳ này."
    ),
    # results
    "ranked": "được xếp hạng",
    "Empty when not ranked.": "Để trống khi không xếp hạng.",
    "leaves without input": "tiêu chí chưa có điểm",
    "Codes of the applicable leaves that had no final input and scored 0.": (
        "Mã các tiêu chí áp dụng chưa có điểm cuối cùng, được tính 0 điểm."
    ),
    "not ranked": "không xếp hạng",
    "not ranked in": "không xếp hạng trong",
    "not ranked in (assessed and published, outside the ranking)": (
        "không xếp hạng trong (được đánh giá và công bố, không tham gia xếp hạng)"
    ),
    "no input": "chưa có điểm",
    "Leaves without a final input, scored 0:": "Tiêu chí chưa có điểm cuối cùng, được tính 0 điểm:",
    "Leaves without a final input, scored 0 (check them before publishing):": (
        "Tiêu chí chưa có điểm cuối cùng, được tính 0 điểm (cần kiểm tra trước khi công bố):"
    ),
    # the public method page and data dictionary
    "exactly %(min)s": "đúng bằng %(min)s",
    "Bonus points count in the agency's total points and index, not in the maximum; a bonus criterion "
    "gives at most its own maximum.": (
        "Điểm thưởng được cộng vào tổng điểm và Chỉ số của cơ quan, không cộng vào điểm tối đa; mỗi tiêu chí "
        "thưởng được tối đa bằng điểm tối đa của chính nó."
    ),
    "Area index = the area's points without bonus ÷ the area's applicable maximum × 100: bonus points "
    "never enter an area index, so no area exceeds 100%%.": (
        "Chỉ số thành phần = điểm của lĩnh vực (không tính điểm thưởng) ÷ điểm tối đa áp dụng của lĩnh vực × "
        "100: điểm thưởng không bao giờ tính vào chỉ số thành phần, nên không lĩnh vực nào vượt 100%%."
    ),
    "A criterion with no final score or measured value scores 0, whatever its rule.": (
        "Tiêu chí chưa có điểm hoặc số liệu cuối cùng được tính 0 điểm, với mọi cách chấm."
    ),
    "Points and indices are published as the exact values rounded once, half up, to 2 decimals; bands, "
    "head-of-agency classes and reviews are decided on the rounded values, so anyone can check them "
    "against the published table.": (
        "Điểm và chỉ số được công bố là giá trị chính xác làm tròn một lần, lên từ 5, đến 2 chữ số thập "
        "phân; xếp nhóm, xếp loại người đứng đầu và kiểm điểm được quyết định trên giá trị đã làm tròn, nên "
        "ai cũng có thể đối chiếu với bảng công bố."
    ),
    "Some agencies are assessed but not ranked: their index, area indices and head-of-agency class are "
    "published, marked “not ranked”, outside the ranks, the bands and the rank changes.": (
        "Một số cơ quan được đánh giá nhưng không xếp hạng: chỉ số, chỉ số thành phần và xếp loại người "
        "đứng đầu vẫn được công bố, ghi “không xếp hạng”, không tham gia xếp hạng, xếp nhóm và tăng, giảm bậc."
    ),
    "Whether the agency is ranked (true/false; 1/0 in CSV). An agency not ranked has no rank, band or "
    "rank change; its index, areas and head class are published.": (
        "Cơ quan có được xếp hạng không (true/false; 1/0 trong CSV). Cơ quan không xếp hạng không có thứ "
        "hạng, nhóm và tăng, giảm bậc; chỉ số, chỉ số thành phần và xếp loại người đứng đầu vẫn được công bố."
    ),
    "Final points (the exact points rounded once, half up, to 2 decimals, like the index) and the "
    "applicable maximum.": (
        "Tổng điểm đạt được (điểm chính xác làm tròn một lần, lên từ 5, đến 2 chữ số thập phân, như Chỉ số) "
        "và điểm tối đa áp dụng."
    ),
    "Codes of the applicable criteria that had no final score (scored 0; separated by ; in CSV).": (
        "Mã các tiêu chí áp dụng chưa có điểm cuối cùng (tính 0 điểm; cách nhau bởi ; trong CSV)."
    ),
}
