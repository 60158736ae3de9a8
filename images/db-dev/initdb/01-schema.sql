-- What the status service records: which image digest runs in which environment.
CREATE TABLE deployments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    image       text        NOT NULL,
    digest      text        NOT NULL CHECK (digest LIKE 'sha256:%'),
    environment text        NOT NULL,
    deployed_at timestamptz NOT NULL DEFAULT now()
);

-- The status page asks for the latest deployment per image and environment.
CREATE INDEX deployments_latest ON deployments (image, environment, deployed_at DESC);
