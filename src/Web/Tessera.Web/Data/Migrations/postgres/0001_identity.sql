CREATE TABLE tenants (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    created_at bigint NOT NULL
);

CREATE TABLE users (
    id uuid NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants (id),
    username text NOT NULL,
    password_hash text NOT NULL,
    roles text NOT NULL,
    disabled boolean NOT NULL,
    version bigint NOT NULL,
    created_at bigint NOT NULL
);
CREATE UNIQUE INDEX ux_users_tenant_username ON users (tenant_id, username);
