using System.Globalization;

namespace Moosermail.ResendSandbox;

/// <summary>Resend's cursor pagination: limit 1–100 (default 20), after/before an id, never both.</summary>
public static class Pagination
{
    public static IResult List<T>(HttpRequest request, IReadOnlyList<T> newestFirst, Func<T, string> id, Func<T, object> view)
    {
        var query = request.Query;
        var limit = 20;
        if (query.TryGetValue("limit", out var text)
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100))
        {
            return ResendErrorBody.Validation("The `limit` parameter must be an integer between 1 and 100.").ToResult();
        }

        var (after, before) = (query["after"].ToString(), query["before"].ToString());
        if (after.Length > 0 && before.Length > 0)
        {
            return ResendErrorBody.Validation("The `after` and `before` parameters cannot be used together.").ToResult();
        }

        var ids = newestFirst.Select(id).ToList();
        var (start, end) = (0, newestFirst.Count);
        if (after.Length > 0)
        {
            start = ids.IndexOf(after) + 1;
            start = start == 0 ? end : start;
        }
        else if (before.Length > 0)
        {
            end = Math.Max(0, ids.IndexOf(before));
            start = Math.Max(0, end - limit);
        }

        var page = newestFirst.Skip(start).Take(Math.Min(limit, end - start)).Select(view).ToList();
        var hasMore = before.Length > 0 ? start > 0 : start + page.Count < end;
        return Results.Json(new { @object = "list", has_more = hasMore, data = page });
    }
}
