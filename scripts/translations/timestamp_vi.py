"""Vietnamese for the signing time's source (a timestamp authority's, or the signer's computer's);
used with scripts/fill_po.py."""

VI = {
    "Time-stamped at": "Thời điểm đóng dấu thời gian",
    "by a trusted timestamp authority": "do tổ chức cấp dấu thời gian tin cậy xác nhận",
    "the signer's computer clock": "theo đồng hồ máy của người ký",
    "signing time from a timestamp authority": "thời điểm ký do tổ chức cấp dấu thời gian xác nhận",
    "Otherwise the signing time is what the signer's computer claimed.": "Nếu không, thời điểm ký là do máy của người ký tự ghi.",
    "True: signed_at is a trusted timestamp authority's time; false: the signer's computer's claim.": "True: signed_at là thời điểm do tổ chức cấp dấu thời gian tin cậy xác nhận; false: do máy của người ký tự ghi.",
    "Timestamp": "Dấu thời gian",
    "Refused: altered, made for another signature, or dated when its authority could not vouch for it": "Không chấp nhận: đã bị sửa, được cấp cho chữ ký khác, hoặc ghi thời điểm tổ chức cấp dấu không thể xác nhận",
    "From an authority not trusted (or no longer valid): its time is not used": "Do tổ chức không được tin cậy (hoặc đã hết hiệu lực) cấp: không dùng thời điểm này",
}
