using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Messaging.Api;
using Tessera.Messaging.Feed;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Outbox;
using Tessera.Messaging.Transport;
using Tessera.ServiceDefaults.Data;

namespace Tessera.Messaging;

public sealed class MessagingBuilder(SubscriptionRegistry registry, IServiceCollection services)
{
    /// <summary>
    /// Listen to a producer's events; each Handle names an event type and its handler. Naming this service itself
    /// subscribes to its own events (read models), read from its own outbox.
    /// </summary>
    public MessagingBuilder Subscribe(string producer, Action<SubscriptionBuilder> configure)
    {
        configure(new SubscriptionBuilder(producer, registry, services));
        return this;
    }
}

public static class MessagingRegistration
{
    /// <summary>
    /// Outbox, inbox, the feed transport and the operator API for a service whose database is <typeparamref name="TContext"/>.
    /// The context must call <see cref="ApplyMessagingModel"/> and the service must apply the messaging migrations,
    /// which this adds to its migration catalog.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TContext>(this IHostApplicationBuilder builder, Action<MessagingBuilder>? configure = null)
        where TContext : ServiceDbContext
    {
        var services = builder.Services;
        services.Configure<MessagingOptions>(builder.Configuration.GetSection(MessagingOptions.Section));

        var registry = new SubscriptionRegistry();
        configure?.Invoke(new MessagingBuilder(registry, services));
        services.AddSingleton(registry);

        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<InboxSignal>();
        services.AddSingleton<IInterceptor, OutboxCommitInterceptor>();
        services.AddScoped<MessageScope>();
        services.AddScoped<IOutbox, Outbox<TContext>>();
        services.AddSingleton<InboxHandler<TContext>>();
        services.AddSingleton<IInboxSink, InboxSink<TContext>>();
        services.AddSingleton<SubscriptionMonitor>();
        services.AddSingleton<FeedReaders>();
        services.AddSingleton<MessagingGauges<TContext>>();
        services.AddHostedService(sp => sp.GetRequiredService<MessagingGauges<TContext>>());
        services.AddSingleton<IMessageTransport, FeedTransport<TContext>>();
        services.AddHttpClient(FeedTransport<TContext>.ClientName);

        services.AddHostedService<InboxProcessor<TContext>>();
        services.AddSingleton<LocalOutboxConsumer<TContext>>();
        services.AddHostedService<MessagingHost<TContext>>();
        services.AddHostedService<MessagingRetention<TContext>>();

        var migrations = services.Select(d => d.ImplementationInstance).OfType<DatabaseMigrations<TContext>>().SingleOrDefault()
            ?? throw new InvalidOperationException("Call AddServiceDatabase before AddMessaging.");
        migrations.Catalog.Add("messaging", typeof(MessagingRegistration).Assembly);
        return builder;
    }

    /// <summary>Maps the feed (internal, service tokens only) and the operator API under <paramref name="apiPrefix"/>/messaging.</summary>
    public static WebApplication MapMessaging<TContext>(this WebApplication app, string apiPrefix) where TContext : ServiceDbContext
    {
        app.Services.GetRequiredService<IMessageTransport>().MapProducerEndpoints(app);
        MessagingEndpoints.Map(app, apiPrefix);
        return app;
    }

    public static ModelBuilder ApplyMessagingModel(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(m => m.Position);
            e.Property(m => m.Position).ValueGeneratedOnAdd();
            e.HasIndex(m => m.MessageId).IsUnique();
        });
        modelBuilder.Entity<InboxMessage>(e =>
        {
            e.ToTable("inbox_messages");
            e.HasKey(m => m.Sequence);
            e.Property(m => m.Sequence).ValueGeneratedOnAdd();
            e.HasIndex(m => m.MessageId).IsUnique();
        });
        modelBuilder.Entity<SubscriberCheckpoint>(e =>
        {
            e.ToTable("subscriber_checkpoints");
            e.HasKey(c => c.Producer);
        });
        return modelBuilder;
    }
}
