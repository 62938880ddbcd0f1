using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Orders.Features;

/// <summary>Orders placed and revenue per business day, the days being those of the tenant's time zone.</summary>
public static class DailyOrders
{
    public const int MaxDays = 92;

    public static void Map(RouteGroupBuilder orders) =>
        orders.MapGet("/daily", Handle).WithName("DailyOrders")
            .WithSummary("Per day from..to (inclusive): orders placed, and revenue per currency of those not cancelled or rejected.");

    private static async Task<Results<Ok<List<DailyOrdersDto>>, ValidationProblem>> Handle(
        DateOnly? from, DateOnly? to, string? timeZone, OrdersDbContext db, CancellationToken cancellationToken)
    {
        if (from is null || to is null)
            return Problems.Validation(from is null ? "from" : "to", "from and to are required dates (yyyy-mm-dd).");
        if (to < from || to.Value.DayNumber - from.Value.DayNumber >= MaxDays)
            return Problems.Validation("to", $"to must be on or after from, at most {MaxDays} days later.");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone ?? "UTC", out var zone))
            return Problems.Validation("timeZone", $"'{timeZone}' is not a known time zone.");

        var days = new List<DailyOrdersDto>();
        for (var day = from.Value; day <= to.Value; day = day.AddDays(1))
        {
            var (start, end) = (StartOf(day, zone), StartOf(day.AddDays(1), zone));
            var rows = await db.Orders.AsNoTracking()
                .Where(o => o.PlacedAt >= start && o.PlacedAt < end)
                .GroupBy(o => o.Currency)
                .Select(g => new
                {
                    Currency = g.Key,
                    Count = g.Count(),
                    Revenue = g.Sum(o => o.Status == OrderStatus.Cancelled || o.Status == OrderStatus.Rejected ? 0m : o.Total),
                })
                .ToListAsync(cancellationToken);
            days.Add(new DailyOrdersDto(day, rows.Sum(r => r.Count), rows.OrderBy(r => r.Currency).Select(r => new MoneyDto(r.Currency, r.Revenue)).ToList()));
        }
        return TypedResults.Ok(days);
    }

    private static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
