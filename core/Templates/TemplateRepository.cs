using Dapper;
using Npgsql;

namespace Moosermail.Core.Templates;

/// <summary>A team's templates. Every statement filters on team_id; another team's template is "not found".</summary>
public sealed class TemplateRepository(NpgsqlDataSource dataSource)
{
    public async Task<Template> InsertAsync(Guid teamId, Template template, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<Template>(new CommandDefinition(
            """
            INSERT INTO templates (id, team_id, name, subject, body_html, body_text, variables, created_at, updated_at)
            VALUES (@Id, @TeamId, @Name, @Subject, @BodyHtml, @BodyText, @Variables, @CreatedAt, @UpdatedAt)
            RETURNING id, name, subject, body_html, body_text, variables, created_at, updated_at
            """,
            new { TeamId = teamId, template.Id, template.Name, template.Subject, template.BodyHtml, template.BodyText, template.Variables, template.CreatedAt, template.UpdatedAt },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Template>> ListForTeamAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Template>(new CommandDefinition(
            """
            SELECT id, name, subject, body_html, body_text, variables, created_at, updated_at
            FROM templates
            WHERE team_id = @TeamId
            ORDER BY created_at DESC, id
            """,
            new { TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Null when the template is missing or belongs to another team.</summary>
    public async Task<Template?> GetAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Template>(new CommandDefinition(
            """
            SELECT id, name, subject, body_html, body_text, variables, created_at, updated_at
            FROM templates
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>Writes the whole template (texts and their variables together); null when missing or another team's.</summary>
    public async Task<Template?> UpdateAsync(Guid teamId, Template template, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Template>(new CommandDefinition(
            """
            UPDATE templates
            SET name = @Name,
                subject = @Subject,
                body_html = @BodyHtml,
                body_text = @BodyText,
                variables = @Variables,
                updated_at = @UpdatedAt
            WHERE id = @Id
              AND team_id = @TeamId
            RETURNING id, name, subject, body_html, body_text, variables, created_at, updated_at
            """,
            new { TeamId = teamId, template.Id, template.Name, template.Subject, template.BodyHtml, template.BodyText, template.Variables, template.UpdatedAt },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Deletes the template, and with <paramref name="withTriggers"/> the team's triggers that use it, in one
    /// transaction. Without it, a used template fails on the foreign key (23503). False when missing or another team's.
    /// </summary>
    public async Task<bool> DeleteAsync(Guid teamId, Guid id, bool withTriggers, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (withTriggers)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM triggers
                WHERE template_id = @Id
                  AND team_id = @TeamId
                """,
                new { TeamId = teamId, Id = id }, transaction, cancellationToken: cancellationToken));
        }

        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM templates
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return deleted == 1;
    }
}
