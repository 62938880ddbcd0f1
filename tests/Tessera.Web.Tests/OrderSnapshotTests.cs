using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Pages.Orders;

namespace Tessera.Web.Tests;

/// <summary>How the edit page tells the user's changes from someone else's, without I/O.</summary>
public sealed class OrderSnapshotTests
{
    private static readonly string[] Attributes = ["gift_wrap"];

    [Fact]
    public void The_form_of_an_unchanged_order_changes_nothing()
    {
        var order = OrdersFake.Sample(Guid.NewGuid(), 1);
        var loaded = OrderSnapshot.Of(order, Attributes);

        var posted = OrderSnapshot.Of(loaded.ToForm(), loaded.ToLines(new Dictionary<string, string?>()));

        posted.ChangedFrom(loaded).ShouldBeEmpty();
    }

    [Fact]
    public void Tags_warehouse_and_blank_fields_compare_as_the_service_stores_them()
    {
        var order = OrdersFake.Sample(Guid.NewGuid(), 1, tags: ["gift", "vip"]);
        var loaded = OrderSnapshot.Of(order, Attributes);
        var form = loaded.ToForm();
        form.Operational.Tags = " VIP,gift, ";
        form.Customer.Email = " an@example.com ";
        var lines = loaded.ToLines(new Dictionary<string, string?>());
        lines.Add(new LineForm());

        OrderSnapshot.Of(form, lines).ChangedFrom(loaded).ShouldBeEmpty();
    }

    [Fact]
    public void A_line_change_is_sent_whole_with_tax_as_a_fraction()
    {
        var loaded = OrderSnapshot.Of(OrdersFake.Sample(Guid.NewGuid(), 1), Attributes);
        var lines = loaded.ToLines(new Dictionary<string, string?>());
        lines[0].TaxPercent.ShouldBe(10m);
        lines.Add(new LineForm { Sku = "TEA-2", Quantity = 1, Price = 50000, TaxPercent = 8 });

        var posted = OrderSnapshot.Of(loaded.ToForm(), lines);
        var changed = posted.ChangedFrom(loaded);
        var change = posted.Change(changed);

        changed.ShouldBe([OrderSnapshot.Lines]);
        change.Lines!.Select(l => (l.Sku, l.Quantity, l.TaxRate)).ShouldBe([("TEA-1", 2m, 0.1m), ("TEA-2", 1m, 0.08m)]);
        (change.Customer, change.Shipping, change.Operational, change.Attributes).ShouldBe((null, null, null, null));
    }

    [Fact]
    public void Without_line_rows_the_lines_stay_as_they_were()
    {
        var loaded = OrderSnapshot.Of(OrdersFake.Sample(Guid.NewGuid(), 1), Attributes);

        OrderSnapshot.Of(loaded.ToForm(), null, loaded[OrderSnapshot.Lines]).ChangedFrom(loaded).ShouldBeEmpty();
    }

    [Fact]
    public void After_a_conflict_the_users_fields_go_on_top_of_the_current_version_and_theirs_stay()
    {
        var id = Guid.NewGuid();
        var before = OrderSnapshot.Of(OrdersFake.Sample(id, 1, notes: "Call first"), Attributes);
        var current = OrderSnapshot.Of(OrdersFake.Sample(id, 2, tags: ["vip", "wholesale"], notes: "Call before noon"), Attributes);
        var form = before.ToForm();
        form.Operational.Notes = "Leave it at the door";
        form.Shipping.City = "Hà Nội";
        var mine = OrderSnapshot.Of(form, before.ToLines(new Dictionary<string, string?>()));
        var changed = mine.ChangedFrom(before);

        var merged = current.With(mine, changed);
        var conflict = EditConflict.Of(OrdersFake.Sample(id, 2), before, current, mine, changed);

        changed.ShouldBe(["operational.notes", "shipping.address.city"]);
        conflict.Theirs.ShouldBe(["operational.notes", "operational.tags"]);
        conflict.Both.ShouldBe(["operational.notes"]);
        (merged["operational.notes"], merged["operational.tags"], merged["shipping.address.city"]).ShouldBe(("Leave it at the door", "vip, wholesale", "Hà Nội"));
        merged.ChangedFrom(current).ShouldBe(["operational.notes", "shipping.address.city"]);
    }

    [Fact]
    public void A_country_alone_is_no_address()
    {
        var order = OrdersFake.Sample(Guid.NewGuid(), 1) with { Shipping = null };
        var loaded = OrderSnapshot.Of(order, Attributes);
        var form = loaded.ToForm();
        form.Shipping.Country = "VN";

        OrderSnapshot.Of(form, loaded.ToLines(new Dictionary<string, string?>())).ChangedFrom(loaded).ShouldBeEmpty();
    }
}
