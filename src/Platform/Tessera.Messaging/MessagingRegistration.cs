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
using Tessera.Messaging.RabbitMq;
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
    /// Outbox, inbox, the transport (the feed unless configured otherwise) and the operator API for a service whose database is <typeparamref name="TContext"/>.
    /// The context must call <see cref="ApplyMessagingModel"/> and the service must apply the messaging migrations,
    /// which this adds to its migration catalog.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TContext>(this IHostApplicationBuilder builder, Action<MessagingBuilder>? configure = null)
        where TContext : ServiceDbContext
    {
        var services = builder.Services;
        services.AddOptions<MessagingOptions>().Bind(builder.Configuration.GetSection(MessagingOptions.Section))
            .Validate(o => !string.Equals(o.Transport, MessagingOptions.RabbitMqTransportName, StringComparison.OrdinalIgnoreCase) ||
                           Uri.TryCreate(o.RabbitMq.Uri, UriKind.Absolute, out _),
                $"{MessagingOptions.Section}:RabbitMq:Uri must be the broker's AMQP URI (amqp://user:password@host:5672/vhost) when the transport is rabbitmq.")
            .ValidateOnStart();

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
        // The feed is read by the feed transport, and by the broker transport to backfill a new subscription.
        services.AddSingleton<FeedClient>();
        services.AddHttpClient(FeedClient.ClientName);
        AddTransport<TContext>(services, builder.Configuration[MessagingOptions.Section + ":Transport"]);

        services.AddHostedService<InboxProcessor<TContext>>();
        services.AddSingleton<LocalOutboxConsumer<TContext>>();
        services.AddHostedService<MessagingHost<TContext>>();
        services.AddHostedService<MessagingRetention<TContext>>();

        var migrations = services.Select(d => d.ImplementationInstance).OfType<DatabaseMigrations<TContext>>().SingleOrDefault()
            ?? throw new InvalidOperationException("Call AddServiceDatabase before AddMessaging.");
        migrations.Catalog.Add("messaging", typeof(MessagingRegistration).Assembly);
        return builder;
    }

    /// <summary>The transport named by Tessera:Messaging:Transport: the feed unless it says rabbitmq (ADR 0032).</summary>
    private static void AddTransport<TContext>(IServiceCollection services, string? name) where TContext : ServiceDbContext
    {
        switch (string.IsNullOrWhiteSpace(name) ? MessagingOptions.FeedTransportName : name.Trim().ToLowerInvariant())
        {
            case MessagingOptions.FeedTransportName:
                services.AddSingleton<IMessageTransport, FeedTransport<TContext>>();
                break;
            case MessagingOptions.RabbitMqTransportName:
                services.AddSingleton<RabbitMqConnections>();
                services.AddSingleton<RabbitMqRelay<TContext>>();
                services.AddSingleton<IMessageTransport, RabbitMqTransport<TContext>>();
                break;
            default:
                throw new InvalidOperationException(
                    $"{MessagingOptions.Section}:Transport is '{name}'; it is '{MessagingOptions.FeedTransportName}' or '{MessagingOptions.RabbitMqTransportName}'.");
        }
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
