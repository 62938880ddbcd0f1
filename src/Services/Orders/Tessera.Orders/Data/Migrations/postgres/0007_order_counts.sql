-- How many live orders each tenant has per status and channel, kept exact by triggers in the same transaction as the
-- change. On PostgreSQL several instances place and confirm orders at once, and one counter row per (status, channel)
-- would make every one of them wait for the others' commits (and deadlock when two transactions move orders between
-- the same statuses in opposite orders): each connection counts in its own slot, and readers add the slots up.
CREATE TABLE order_counts (
    tenant_id text NOT NULL,
    status text NOT NULL,
    channel text NOT NULL,
    slot integer NOT NULL,
    orders bigint NOT NULL,
    PRIMARY KEY (tenant_id, status, channel, slot)
);

CREATE FUNCTION order_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    my_slot integer := pg_backend_pid() % 64;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO order_counts (tenant_id, status, channel, slot, orders) VALUES (OLD.tenant_id, OLD.status, OLD.channel, my_slot, -1)
        ON CONFLICT (tenant_id, status, channel, slot) DO UPDATE SET orders = order_counts.orders - 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO order_counts (tenant_id, status, channel, slot, orders) VALUES (NEW.tenant_id, NEW.status, NEW.channel, my_slot, 1)
        ON CONFLICT (tenant_id, status, channel, slot) DO UPDATE SET orders = order_counts.orders + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER order_counts_insert AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION order_counts_change();
CREATE TRIGGER order_counts_delete AFTER DELETE ON orders FOR EACH ROW EXECUTE FUNCTION order_counts_change();
CREATE TRIGGER order_counts_update AFTER UPDATE OF tenant_id, status, channel ON orders FOR EACH ROW
    WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.status IS DISTINCT FROM NEW.status OR OLD.channel IS DISTINCT FROM NEW.channel)
    EXECUTE FUNCTION order_counts_change();
