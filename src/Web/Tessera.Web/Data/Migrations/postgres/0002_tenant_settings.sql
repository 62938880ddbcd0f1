-- Expand only: new columns with defaults, so that a running older version keeps working.
ALTER TABLE tenants ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Ho_Chi_Minh';
ALTER TABLE tenants ADD COLUMN currency text NOT NULL DEFAULT 'VND';
ALTER TABLE users ADD COLUMN display_name text NULL;
