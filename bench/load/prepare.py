"""Create the load test's leads, each with an assessment, in the database named by DATABASE_URL."""

from __future__ import annotations

import os
import sys

from readiness import create_app
from readiness.extensions import db
from readiness.models import Membership, Organisation, User
from readiness.services import assessments
from readiness.services.catalogue import questionnaire


def main(count: int) -> None:
    app = create_app({"AUTO_UPGRADE_DATABASE": "always"})
    with app.app_context():
        organisation = Organisation(name="Load test trust")
        db.session.add(organisation)
        db.session.flush()
        for number in range(1, count + 1):
            user = User(email=f"lead{number}@load.example", name=f"Load lead {number}")
            user.set_password(os.environ.get("LOAD_PASSWORD", "load-test-password"))
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(user_id=user.id, organisation_id=organisation.id, role="project_lead"))
            db.session.commit()
            assessment = assessments.create(user, organisation.id, f"Role {number}", questionnaire())
            assert assessment.id == number, "run against an empty database"


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
