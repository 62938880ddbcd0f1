using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tessera.ServiceDefaults.Data;

/// <summary>Columns are snake_case in every database so that hand-written SQL reads naturally in SQLite and PostgreSQL alike.</summary>
public static class Naming
{
    public static string Snake(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previous = i > 0 ? name[i - 1] : '_';
                var next = i + 1 < name.Length ? name[i + 1] : '_';
                if (previous != '_' && (char.IsLower(previous) || char.IsDigit(previous) || char.IsLower(next)))
                    builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    internal static void ApplySnakeCaseColumns(IMutableModel model)
    {
        foreach (var entity in model.GetEntityTypes())
        {
            foreach (var property in entity.GetDeclaredProperties())
                if (property.FindAnnotation(RelationalAnnotationNames.ColumnName) is null)
                    property.SetColumnName(Snake(property.Name));

            foreach (var complex in entity.GetDeclaredComplexProperties())
                ApplyToComplex(complex, Snake(complex.Name) + "_");
        }
    }

    private static void ApplyToComplex(IMutableComplexProperty complex, string prefix)
    {
        foreach (var property in complex.ComplexType.GetDeclaredProperties())
            if (property.FindAnnotation(RelationalAnnotationNames.ColumnName) is null)
                property.SetColumnName(prefix + Snake(property.Name));
        foreach (var nested in complex.ComplexType.GetDeclaredComplexProperties())
            ApplyToComplex(nested, prefix + Snake(nested.Name) + "_");
    }
}
