-- Tenant settings of the back office (the settings page) and each user's language. Expand only: new columns with
-- defaults; the running older version ignores them.
ALTER TABLE tenants ADD COLUMN default_language text NULL;
ALTER TABLE tenants ADD COLUMN languages text NOT NULL DEFAULT 'en-US,vi-VN';
ALTER TABLE tenants ADD COLUMN default_warehouse text NULL;
ALTER TABLE tenants ADD COLUMN invoice_series text NULL;
ALTER TABLE tenants ADD COLUMN version bigint NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN language text NULL;
