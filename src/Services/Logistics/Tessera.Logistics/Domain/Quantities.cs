using System.Globalization;

namespace Tessera.Logistics.Domain;

public static class Quantities
{
    /// <summary>A quantity as people write it in a message: "3", not the "3.0" a decimal read from SQLite keeps.</summary>
    public static string Text(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
}
