using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Orders.Import;

/// <summary>
/// Keeps an uploaded file until its import is done, in &lt;data&gt;/orders-imports, sealed with the personal data key:
/// the file holds names, phones and addresses, and nothing personal lies on disk in clear.
/// </summary>
public sealed class ImportFileStore(IOptions<TesseraOptions> options, PersonalDataProtector protector)
{
    public const string Purpose = "orders.import";

    private string Folder => Path.Combine(options.Value.ResolveDataDir(), "orders-imports");

    private string PathOf(Guid id) => Path.Combine(Folder, $"{id:N}.csv.sealed");

    public async Task SaveAsync(Guid id, string tenant, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var path = PathOf(id);
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, protector.Seal(content.Span, tenant, Purpose), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The file's content, or null when it is gone.</summary>
    public async Task<byte[]?> ReadAsync(Guid id, string tenant, CancellationToken cancellationToken)
    {
        var path = PathOf(id);
        if (!File.Exists(path))
            return null;
        return protector.Open(await File.ReadAllBytesAsync(path, cancellationToken), tenant, Purpose);
    }

    public void Delete(Guid id) => File.Delete(PathOf(id));
}
