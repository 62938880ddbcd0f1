namespace Tessera.Web;

/// <summary>
/// The texts of every page, document and message the front-end shows, keyed by their English wording:
/// Resources/SharedResource.resx (English) and Resources/SharedResource.vi.resx (Vietnamese). Pages get them as
/// <c>L["…"]</c> (IStringLocalizer&lt;SharedResource&gt;); a test fails when a page shows text that has no entry.
/// </summary>
public sealed class SharedResource;
