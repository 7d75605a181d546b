"""Acknowledgements ride on the next prompt: fewer messages, nothing lost."""

from handlers.types import Address, Attachment, Button, Reply, coalesce

OTHER = Address("telegram", "2")
BUTTONS = ((Button("Ẩn danh", "name:anon"),),)


def test_an_acknowledgement_joins_the_next_prompt_and_keeps_its_buttons() -> None:
    [joined] = coalesce([Reply("Đơn vị của bạn: Mỹ Xuyên."), Reply("Bạn tên gì?", BUTTONS)])
    assert joined == Reply("Đơn vị của bạn: Mỹ Xuyên.\n\nBạn tên gì?", BUTTONS)


def test_a_chain_of_plain_replies_becomes_one_message() -> None:
    assert coalesce([Reply("a"), Reply("b"), Reply("c")]) == [Reply("a\n\nb\n\nc")]


def test_a_reply_with_buttons_is_never_joined_to_what_follows() -> None:
    replies = [Reply("Chọn:", BUTTONS), Reply("Sau đó")]
    assert coalesce(replies) == replies


def test_replies_to_different_chats_stay_apart() -> None:
    replies = [Reply("cho bạn"), Reply("cho điều phối viên", address=OTHER), Reply("cho bạn nữa")]
    assert coalesce(replies) == replies


def test_attachments_and_overlong_joins_stay_apart() -> None:
    chart = Reply("Biểu đồ", attachments=(Attachment("c.png", b"png", "image/png"),))
    assert coalesce([chart, Reply("tiếp")]) == [chart, Reply("tiếp")]
    long = [Reply("x" * 1500), Reply("y" * 600)]
    assert coalesce(long) == long
    assert coalesce(long, limit=2102) == [Reply("x" * 1500 + "\n\n" + "y" * 600)]
