using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Contacts;
using Moosermail.Core.Security;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Contacts;

/// <summary>The team's address book (§2.12): CRUD, search with cursor pages ordered by email, and CSV import.</summary>
public sealed class ContactFunctions(ContactService contacts, ContactImportService importer)
{
    [Function(nameof(CreateContact))]
    [RequiresPermission(Permissions.ContactsWrite)]
    public async Task<IResult> CreateContact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "contacts")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.ContactsWrite);
        var body = await request.ReadJsonAsync<CreateContactRequest>(context.CancellationToken);
        var created = await contacts.CreateAsync(caller, body, context.CancellationToken);
        return Results.Json(new { contact = created }, statusCode: StatusCodes.Status201Created);
    }

    /// <summary><c>?search=&amp;tag=&amp;cursor=&amp;limit=</c>; answers <c>{contacts, next_cursor}</c>.</summary>
    [Function(nameof(ListContacts))]
    [RequiresPermission(Permissions.ContactsRead)]
    public async Task<IResult> ListContacts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "contacts")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.ContactsRead);
        var query = new ListContactsQuery(request.Query["search"], request.Query["tag"], request.Query["cursor"], request.Query["limit"]);
        return Results.Json(await contacts.ListAsync(caller, query, context.CancellationToken));
    }

    [Function(nameof(GetContact))]
    [RequiresPermission(Permissions.ContactsRead)]
    public async Task<IResult> GetContact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "contacts/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.ContactsRead);
        return Results.Json(new { contact = await contacts.GetAsync(caller, id, context.CancellationToken) });
    }

    [Function(nameof(UpdateContact))]
    [RequiresPermission(Permissions.ContactsWrite)]
    public async Task<IResult> UpdateContact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "contacts/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.ContactsWrite);
        var body = await request.ReadJsonAsync<UpdateContactRequest>(context.CancellationToken);
        return Results.Json(new { contact = await contacts.UpdateAsync(caller, id, body, context.CancellationToken) });
    }

    [Function(nameof(DeleteContact))]
    [RequiresPermission(Permissions.ContactsWrite)]
    public async Task<IResult> DeleteContact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "contacts/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.ContactsWrite);
        await contacts.DeleteAsync(caller, id, context.CancellationToken);
        return Results.NoContent();
    }

    /// <summary>A text/csv body (header email,name,tags) of at most 5 MB; answers <c>{imported, updated, errors}</c>.</summary>
    [Function(nameof(ImportContacts))]
    [RequiresPermission(Permissions.ContactsWrite)]
    public async Task<IResult> ImportContacts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "contacts/import")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.ContactsWrite);
        using var csv = await request.ReadCsvAsync(ContactImportService.MaxBytes, context.CancellationToken);
        return Results.Json(await importer.ImportAsync(caller, csv, context.CancellationToken));
    }
}
