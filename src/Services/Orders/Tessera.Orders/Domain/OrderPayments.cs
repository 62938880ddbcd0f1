using System.Text.Json;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Orders.Domain;

/// <summary>The payments of an order as stored (JSON on the order): not personal data, and archived with it.</summary>
public static class OrderPayments
{
    public static string ToJson(IEnumerable<PaymentRecordDto> payments) => JsonSerializer.Serialize(payments.ToList(), TesseraJson.Options);

    public static IReadOnlyList<PaymentRecordDto> Read(string json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<PaymentRecordDto>>(json, TesseraJson.Options) ?? [];
}
