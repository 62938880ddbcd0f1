-- Same search model as the live database (see the live migration 0005).
ALTER TABLE order_search ADD COLUMN details_hash text NULL;
