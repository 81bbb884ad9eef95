from readiness import create_app

app = create_app()
