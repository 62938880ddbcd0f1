-- Tenant settings of the back office (the settings page) and each user's language. Expand only: new columns with
-- defaults; the running older version ignores them.
ALTER TABLE tenants ADD COLUMN default_language TEXT NULL;
ALTER TABLE tenants ADD COLUMN languages TEXT NOT NULL DEFAULT 'en-US,vi-VN';
ALTER TABLE tenants ADD COLUMN default_warehouse TEXT NULL;
ALTER TABLE tenants ADD COLUMN invoice_series TEXT NULL;
ALTER TABLE tenants ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN language TEXT NULL;
