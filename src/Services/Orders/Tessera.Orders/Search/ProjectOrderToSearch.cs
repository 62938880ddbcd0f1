using Microsoft.EntityFrameworkCore;
using Tessera.Messaging.Handling;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;

namespace Tessera.Orders.Search;

/// <summary>
/// Keeps the search read model from this service's own events: whatever happened to an order, its search rows are
/// rewritten from its current state. Idempotent by construction, and in order per order (the inbox sees to that).
/// </summary>
public sealed class ProjectOrderToSearch(OrdersDbContext db) :
    IEventHandler<OrderPlaced>, IEventHandler<OrderConfirmed>, IEventHandler<OrderRejected>, IEventHandler<OrderCancelled>,
    IEventHandler<OrderChanged>, IEventHandler<OrderLinesChanged>, IEventHandler<OrderDispatched>, IEventHandler<OrderCompleted>,
    IEventHandler<OrderReturned>, IEventHandler<HistoricOrderImported>
{
    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Project(message.OrderId, cancellationToken);
    public Task HandleAsync(OrderConfirmed message, MessageContext context, CancellationToken cancellationToken) => Project(message.OrderId, cancellationToken);
    public Task HandleAsync(OrderRejected message, MessageContext context, CancellationToken cancellationToken) => Project(message.OrderId, cancellationToken);
    public Task HandleAsync(OrderCancelled message, MessageContext context, CancellationToken cancellationToken) => Project(message.OrderId, cancellationToken);
    public Task HandleAsync(OrderChanged message, MessageContext context, CancellationToken cancellationToken) => Project(message.OrderId, cancellationToken);
    public Task HandleAsync(OrderLinesChanged message, MessageContext context, CancellationToken cancellationToken) => Project(message.OrderId, cancellationToken);
    public Task HandleAsync(OrderDispatched message, MessageContext context, CancellationToken cancellationToken) => Project(message.OrderId, cancellationToken);
    public Task HandleAsync(OrderCompleted message, MessageContext context, CancellationToken cancellationToken) => Project(message.OrderId, cancellationToken);
    public Task HandleAsync(OrderReturned message, MessageContext context, CancellationToken cancellationToken) => Project(message.OrderId, cancellationToken);
    public Task HandleAsync(HistoricOrderImported message, MessageContext context, CancellationToken cancellationToken) => Project(message.OrderId, cancellationToken);

    private async Task Project(Guid orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
            await OrderSearchIndex.RemoveAsync(db, orderId, cancellationToken); // archived meanwhile: the archive keeps its own rows
        else
            await OrderSearchIndex.UpsertAsync(db, order, cancellationToken);
    }
}
