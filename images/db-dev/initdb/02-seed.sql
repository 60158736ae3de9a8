-- Enough rows for the status page to show something on a fresh laptop.
INSERT INTO deployments (image, digest, environment, deployed_at) VALUES
    ('app', 'sha256:1111111111111111111111111111111111111111111111111111111111111111', 'staging', now() - interval '2 days'),
    ('app', 'sha256:2222222222222222222222222222222222222222222222222222222222222222', 'staging', now() - interval '1 hour'),
    ('app', 'sha256:1111111111111111111111111111111111111111111111111111111111111111', 'prod', now() - interval '1 day'),
    ('cli', 'sha256:3333333333333333333333333333333333333333333333333333333333333333', 'prod', now() - interval '3 days');
