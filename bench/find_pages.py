"""Print the URLs bench/pages.sh measures, for the demo project lead's first draft (one per line).

Run in the app's environment (DATABASE_URL set) after `flask --app app demo`.
"""

from __future__ import annotations

from flask import url_for

from app import app
from readiness.extensions import db
from readiness.models import User
from readiness.permissions import can_edit
from readiness.services import assessments

LEAD = "lead@demo.example"

with app.test_request_context():
    lead = db.session.scalar(db.select(User).where(User.email == LEAD))
    assert lead is not None, f"no {LEAD}: load the demo data first"
    assessment, version = next(
        (a, v) for a, v in assessments.visible_assessments(lead) if v.is_draft and can_edit(lead, a)
    )
    ids = {"assessment_id": assessment.id, "number": version.number}
    print("question", url_for("wizard.section", section_id="need", **ids))
    print("tasklist", url_for("wizard.task_list", **ids))
    print("dashboard", url_for("wizard.dashboard"))
    print("results", url_for("reports.results", **ids))
