using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Tessera.Web.FrontEnd;

/// <summary>
/// Browsers submit number inputs in invariant form ("1200.5") whatever the page's language, so form decimals are
/// read invariantly: in vi-VN "." is the group separator and "1200.5" would otherwise become 12005.
/// </summary>
public sealed class InvariantDecimalBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context) =>
        context.Metadata.UnderlyingOrModelType == typeof(decimal) ? new InvariantDecimalBinder() : null;

    private sealed class InvariantDecimalBinder : IModelBinder
    {
        public Task BindModelAsync(ModelBindingContext bindingContext)
        {
            var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName).FirstValue;
            if (string.IsNullOrWhiteSpace(value))
            {
                if (bindingContext.ModelMetadata.IsReferenceOrNullableType)
                    bindingContext.Result = ModelBindingResult.Success(null);
                return Task.CompletedTask;
            }
            if (decimal.TryParse(value.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed))
                bindingContext.Result = ModelBindingResult.Success(parsed);
            else
                bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, $"'{value}' is not a number.");
            return Task.CompletedTask;
        }
    }
}
