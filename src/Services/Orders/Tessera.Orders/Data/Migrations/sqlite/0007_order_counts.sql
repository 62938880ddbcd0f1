-- How many live orders each tenant has per status and channel, kept exact by triggers in the same transaction as the
-- change (every write path — API, imports, the archive moving orders out — is covered without code of its own). The
-- order list's total reads these few rows instead of counting a million index entries.
CREATE TABLE order_counts (
    tenant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    orders INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, status, channel)
) WITHOUT ROWID;

INSERT INTO order_counts (tenant_id, status, channel, orders)
SELECT tenant_id, status, channel, count(*) FROM orders GROUP BY tenant_id, status, channel;

CREATE TRIGGER order_counts_insert AFTER INSERT ON orders
BEGIN
    INSERT INTO order_counts (tenant_id, status, channel, orders) VALUES (NEW.tenant_id, NEW.status, NEW.channel, 1)
    ON CONFLICT (tenant_id, status, channel) DO UPDATE SET orders = orders + 1;
END;

CREATE TRIGGER order_counts_delete AFTER DELETE ON orders
BEGIN
    UPDATE order_counts SET orders = orders - 1
    WHERE tenant_id = OLD.tenant_id AND status = OLD.status AND channel = OLD.channel;
END;

CREATE TRIGGER order_counts_update AFTER UPDATE OF tenant_id, status, channel ON orders
    WHEN OLD.tenant_id IS NOT NEW.tenant_id OR OLD.status IS NOT NEW.status OR OLD.channel IS NOT NEW.channel
BEGIN
    UPDATE order_counts SET orders = orders - 1
    WHERE tenant_id = OLD.tenant_id AND status = OLD.status AND channel = OLD.channel;
    INSERT INTO order_counts (tenant_id, status, channel, orders) VALUES (NEW.tenant_id, NEW.status, NEW.channel, 1)
    ON CONFLICT (tenant_id, status, channel) DO UPDATE SET orders = orders + 1;
END;
