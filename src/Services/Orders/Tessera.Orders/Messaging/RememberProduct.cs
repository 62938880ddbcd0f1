using Tessera.Catalog.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Orders.Data;
using Tessera.Orders.Features;

namespace Tessera.Orders.Messaging;

/// <summary>Keeps the local copy of the catalog current; an older version arriving late is ignored.</summary>
public sealed class RememberProduct(OrdersDbContext db, TimeProvider clock) : IEventHandler<ProductCreated>, IEventHandler<ProductChanged>
{
    public Task HandleAsync(ProductCreated message, MessageContext context, CancellationToken cancellationToken) =>
        ProductDirectory.RememberAsync(db, message.Sku, message.Name, message.Unit, message.Version, clock.GetUtcNow(), cancellationToken);

    public Task HandleAsync(ProductChanged message, MessageContext context, CancellationToken cancellationToken) =>
        ProductDirectory.RememberAsync(db, message.Sku, message.Name, message.Unit, message.Version, clock.GetUtcNow(), cancellationToken);
}
