"""Vietnamese for the reformed province's pages: merged agencies' rank change, the assignment grid by
block, the overview's status filter; used with scripts/fill_po.py."""

VI = {
    "Merged: no rank change. Previous ranks:": "Hợp nhất: không tính tăng, giảm bậc. Xếp hạng năm trước của các đơn vị cũ:",
    "merged, formerly": "hợp nhất, hạng cũ",
    "For an agency merged from two or more former agencies (which has no rank change): each former agency with its rank (and index, in JSON) in the previous period's results; code=rank pairs separated by ; in CSV and XLSX. Empty for every other agency.": "Với đơn vị hình thành từ hợp nhất hai đơn vị trở lên (không tính tăng, giảm bậc): từng đơn vị cũ với thứ hạng (và chỉ số, trong JSON) ở kết quả kỳ trước; trong CSV và XLSX là các cặp mã=hạng cách nhau bởi dấu ;. Để trống với các đơn vị khác.",
    "An agency renamed, or formed from exactly one former agency, keeps that agency's previous rank. An agency formed by merging two or more former ones (such as a commune or ward created on 1 July 2025) has no rank change: a rank among the former units does not compare with a rank among the new ones. The former agencies' previous ranks are shown beside it instead.": "Cơ quan, đơn vị đổi tên hoặc hình thành từ đúng một đơn vị cũ giữ thứ hạng năm trước của đơn vị đó. Đơn vị hình thành do hợp nhất từ hai đơn vị cũ trở lên (như xã, phường thành lập từ ngày 01/7/2025) không tính tăng, giảm bậc: thứ hạng trong số các đơn vị cũ không so sánh được với thứ hạng trong số các đơn vị mới. Thay vào đó, thứ hạng năm trước của các đơn vị cũ được hiển thị bên cạnh.",
    "Agency name contains": "Tên cơ quan, đơn vị có chứa",
    "Show all": "Hiện tất cả",
    "Filter by status": "Lọc theo trạng thái",
    # plurals (Vietnamese has one form)
    "%(counter)s agency shown; saving changes only the rows shown.": "Đang hiện %(counter)s cơ quan, đơn vị; khi lưu chỉ thay đổi các dòng đang hiện.",
}
