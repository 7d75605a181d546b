"""Topic ids, in their fixed order."""

LABELS: tuple[str, ...] = (
    "suc_khoe",
    "van_hoa_tinh_than",
    "khoi_nghiep",
    "chuyen_doi_so",
    "doan_hoi",
    "khac",
)
FALLBACK = "khac"

# Syllables that collide once accents are stripped; never evidence on their own.
COLLISIONS: frozenset[str] = frozenset(
    {"hoi", "doan", "so", "mua", "tiem", "ve", "dan", "dau"}
)
