"""Application services: glue between views, the domain and the database."""
