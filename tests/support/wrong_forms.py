"""Send a page's forms back wrongly, as a person might, to reach the pages that show errors."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html

# No field accepts this: not a number, date, link, email address or option, and it carries markup to escape.
WRONG = 'Not "valid" <b>&'
NOT_TYPED = {"hidden", "submit", "button", "image", "reset"}
CHOSEN = {"radio", "checkbox"}  # a person leaves these out rather than blanks them


@dataclass(frozen=True)
class Submission:
    method: str
    action: str
    data: list[tuple[str, str]]
    how: str  # which form, and whether it was sent empty or wrong


def wrong_submissions(path: str, html: str) -> list[Submission]:
    """Each form on the page sent empty and sent with a wrong value in every field.

    Forms with nothing to fill in (buttons that change state, such as submit or sign out) are left alone, and a
    GET form sent empty is only the page itself again.
    """
    submissions = []
    for number, form in enumerate(lxml.html.document_fromstring(html).forms, 1):
        fields = [field for field in form.inputs if field.name and getattr(field, "type", None) not in NOT_TYPED]
        if not fields:
            continue
        kept = [(field.name, field.value or "") for field in form.inputs if getattr(field, "type", None) == "hidden"]
        button = form.xpath(".//button[@name][not(@type) or @type='submit']")
        pressed = [(button[0].get("name"), button[0].get("value", ""))] if button else []
        names = list(dict.fromkeys(field.name for field in fields if getattr(field, "type", None) != "file"))
        typed = [name for name in names if not _chosen(form.inputs[name])]
        action = form.get("action") or path
        method = form.method.upper()
        if method == "POST":  # typed fields blank, nothing chosen
            submissions.append(
                Submission(method, action, kept + [(n, "") for n in typed] + pressed, f"form {number} sent empty")
            )
        submissions.append(
            Submission(method, action, kept + [(n, WRONG) for n in names] + pressed, f"form {number} sent wrong")
        )
    return submissions


def _chosen(field: object) -> bool:
    return isinstance(field, lxml.html.RadioGroup | lxml.html.CheckboxGroup) or getattr(field, "type", None) in CHOSEN
