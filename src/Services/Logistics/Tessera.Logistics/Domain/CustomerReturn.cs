using System.Text.Json.Serialization;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Logistics.Domain;

public enum ReturnStatus
{
    Authorized,
    Received,
}

public static class ReturnConditions
{
    public const string Restock = "restock";
    public const string Damaged = "damaged";

    public static readonly string[] All = [Restock, Damaged];
}

public sealed class CustomerReturnLine : ITenantOwned
{
    public Guid ReturnId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public decimal Quantity { get; set; }
    public decimal? Restocked { get; set; }
    public decimal? Damaged { get; set; }
}

/// <summary>
/// A return authorization (RMA) for delivered goods of an order, then the goods as they arrived at a warehouse with
/// a condition per line. Until it is received an RMA counts its authorized quantities as returned; once received, what
/// actually came back (restocked + damaged).
/// </summary>
public sealed class CustomerReturn : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Number { get; set; } = "";
    public Guid OrderId { get; set; }
    public long OrderNumber { get; set; }
    [JsonInclude]
    public ReturnStatus Status { get; private set; }
    public string Reason { get; set; } = "";
    public string? Warehouse { get; set; }
    public DateTimeOffset AuthorizedAt { get; set; }
    public string AuthorizedBy { get; set; } = "";
    public DateTimeOffset? ReceivedAt { get; set; }
    public string? ReceivedBy { get; set; }
    public long Version { get; set; }
    public List<CustomerReturnLine> Lines { get; set; } = [];

    public static CustomerReturn Authorize(Guid orderId, long orderNumber, string number, IReadOnlyList<(string Sku, decimal Quantity)> lines, string reason,
        string by, DateTimeOffset now)
    {
        var rma = new CustomerReturn
        {
            Id = Guid.CreateVersion7(),
            Number = number,
            OrderId = orderId,
            OrderNumber = orderNumber,
            Status = ReturnStatus.Authorized,
            Reason = reason,
            AuthorizedAt = now,
            AuthorizedBy = by,
            Version = 1,
        };
        rma.Lines = lines.Select((l, i) => new CustomerReturnLine { ReturnId = rma.Id, LineNo = i + 1, Sku = l.Sku, Quantity = l.Quantity }).ToList();
        return rma;
    }

    public ReturnAuthorized Authorized() =>
        new(Id, Number, OrderId, Lines.OrderBy(l => l.LineNo).Select(l => new ReturnLine(l.Sku, l.Quantity)).ToList(), Reason, AuthorizedAt);

    /// <summary>Quantity of <paramref name="sku"/> this RMA takes out of what may still be returned.</summary>
    public decimal Counts(CustomerReturnLine line) => Status == ReturnStatus.Received ? (line.Restocked ?? 0) + (line.Damaged ?? 0) : line.Quantity;

    /// <summary>Receives the goods; the lines were validated against the authorized quantities by the caller.</summary>
    public ReturnReceived Receive(string warehouse, IReadOnlyList<ReturnedLine> received, string by, DateTimeOffset now)
    {
        if (Status != ReturnStatus.Authorized)
            throw new InvalidOperationException($"Return {Number} is {Status}.");
        foreach (var line in Lines)
        {
            line.Restocked = received.Where(r => r.Sku == line.Sku && r.Condition == ReturnConditions.Restock).Sum(r => r.Quantity);
            line.Damaged = received.Where(r => r.Sku == line.Sku && r.Condition == ReturnConditions.Damaged).Sum(r => r.Quantity);
        }
        Status = ReturnStatus.Received;
        Warehouse = warehouse;
        ReceivedAt = now;
        ReceivedBy = by;
        return new ReturnReceived(Id, Number, OrderId, warehouse, received, now);
    }

    public ReturnDto ToDto() => new(Id, Number, OrderId, OrderNumber, Status.ToString(), Reason,
        Lines.OrderBy(l => l.LineNo).Select(l => new ReturnLineDto(l.Sku, l.Quantity, l.Restocked, l.Damaged)).ToList(),
        Warehouse, AuthorizedAt, AuthorizedBy, ReceivedAt, ReceivedBy, Version);
}
