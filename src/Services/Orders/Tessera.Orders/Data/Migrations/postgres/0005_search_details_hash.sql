-- A hash of what an order's search detail rows and text were written from: when an event changes only the status,
-- the projection updates the row and leaves its SKU, tag, attribute and text rows alone.
ALTER TABLE order_search ADD COLUMN details_hash text NULL;
