using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Security;
using Moosermail.Core.Templates;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Templates;

/// <summary>The team's email templates (original routes and shapes, §2.8), plus a render preview that sends nothing.</summary>
public sealed class TemplateFunctions(TemplateService templates)
{
    [Function(nameof(CreateTemplate))]
    [RequiresPermission(Permissions.TemplatesWrite)]
    public async Task<IResult> CreateTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "templates")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TemplatesWrite);
        var body = await request.ReadJsonAsync<CreateTemplateRequest>(context.CancellationToken);
        var created = await templates.CreateAsync(caller, body, context.CancellationToken);
        return Results.Json(new { template = created }, statusCode: StatusCodes.Status201Created);
    }

    [Function(nameof(ListTemplates))]
    [RequiresPermission(Permissions.TemplatesRead)]
    public async Task<IResult> ListTemplates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "templates")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TemplatesRead);
        return Results.Json(new { templates = await templates.ListAsync(caller, context.CancellationToken) });
    }

    [Function(nameof(GetTemplate))]
    [RequiresPermission(Permissions.TemplatesRead)]
    public async Task<IResult> GetTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "templates/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TemplatesRead);
        return Results.Json(new { template = await templates.GetAsync(caller, id, context.CancellationToken) });
    }

    [Function(nameof(UpdateTemplate))]
    [RequiresPermission(Permissions.TemplatesWrite)]
    public async Task<IResult> UpdateTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "templates/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TemplatesWrite);
        var body = await request.ReadJsonAsync<UpdateTemplateRequest>(context.CancellationToken);
        return Results.Json(new { template = await templates.UpdateAsync(caller, id, body, context.CancellationToken) });
    }

    /// <summary>409 naming the triggers that use the template; <c>?force=true</c> deletes them with it.</summary>
    [Function(nameof(DeleteTemplate))]
    [RequiresPermission(Permissions.TemplatesWrite)]
    public async Task<IResult> DeleteTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "templates/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TemplatesWrite);
        var force = string.Equals(request.Query["force"], "true", StringComparison.OrdinalIgnoreCase);
        await templates.DeleteAsync(caller, id, force, context.CancellationToken);
        return Results.NoContent();
    }

    [Function(nameof(RenderTemplate))]
    [RequiresPermission(Permissions.TemplatesRead)]
    public async Task<IResult> RenderTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "templates/{id:guid}/render")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.TemplatesRead);
        var body = await request.ReadJsonAsync<RenderTemplateRequest>(context.CancellationToken);
        return Results.Json(await templates.RenderAsync(caller, id, body, context.CancellationToken));
    }
}
