using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Core.Validation;
using Canaria.Gateway.Config;
using Canaria.Local.State;
using Canaria.Release.Loop;
using Canaria.Release.Specs;
using System.Text.Json;

namespace Canaria.Local.Controller;

internal sealed partial class LocalController
{
    /// <summary>Validates a spec and, when it is sound, stores it (a changed template becomes a new revision).</summary>
    public Task<ControllerReply> ApplyAsync(string yaml, CancellationToken ct)
    {
        var (doc, errors) = SpecCheck.Check(RolloutYaml.Parse(yaml), Platform.Local);
        if (doc is null) return Task.FromResult(ControllerReply.Invalid(errors));
        if (doc.Spec.Template is { Command: { } command } template && !string.IsNullOrWhiteSpace(command)
            && LocalWorkload.ToReplicaTemplate(template).Error is { } splitError)
            errors.Add(new FieldError("spec.template.command", splitError));
        if (errors.Count > 0) return Task.FromResult(ControllerReply.Invalid(errors));
        return OnLoop(() => StoreAsync(doc, yaml, ct), ct);
    }

    /// <summary>
    /// Applies a command in a pass of the release loop: stored first. When the store cannot write, only a decision that
    /// sends traffic back to stable (an abort) is applied anyway, and stored by the loop once the store works; any other
    /// command changes nothing, and the answer is 503 with the reason.
    /// </summary>
    public Task<ControllerReply> CommandAsync(string name, RolloutCommand command, CancellationToken ct) =>
        OnLoop(async () =>
        {
            if (!_rollouts.TryGetValue(name, out var r) || r.Status is null) return ControllerReply.Missing(name);
            var pass = await PassAsync(r, _time.GetUtcNow(), PendingCommand.Of(command), ct).ConfigureAwait(false);
            if (pass.Command is { Ok: false } refused) return ControllerReply.Refused(refused.Error!);
            var what = command.Kind.ToString().ToLowerInvariant();
            var message = pass.Command?.Event?.Message ?? "done";
            return pass.Outcome switch
            {
                PassOutcome.Conflict => ControllerReply.Refused("the rollout was changed by someone else at the same time; try again"),
                PassOutcome.Held => ControllerReply.StoreUnavailable($"{pass.Store.Error}; {what} was not applied and nothing changed"),
                PassOutcome.AppliedUnstored => ControllerReply.StoreUnavailable(
                    $"{pass.Store.Error}; {what} is applied anyway (traffic goes back to stable) and is stored as soon as the store works again: {message}"),
                _ => ControllerReply.Done(message),
            };
        }, ct);

    /// <summary>
    /// Releases the template of an earlier revision again. Default, as `kubectl rollout undo`: what served before the
    /// current spec, which is the stable revision while a release is in progress or aborted (so it is cancelled), else
    /// the newest other revision.
    /// </summary>
    public Task<ControllerReply> UndoAsync(string name, int? toRevision, CancellationToken ct) =>
        OnLoop(async () =>
        {
            if (!_rollouts.TryGetValue(name, out var r) || r.Status is null) return ControllerReply.Missing(name);
            var revisions = _store.ListRevisions(name);
            var stable = r.Status.StableRevision;
            var target = toRevision ?? (r.SpecRevision != stable ? stable
                : revisions.Where(v => v.Number != stable && v.Number != r.SpecRevision).Select(v => (int?)v.Number).Max());
            if (target is null) return ControllerReply.Refused("there is no earlier revision to go back to");
            var record = revisions.FirstOrDefault(v => v.Number == target);
            if (record is null)
                return ControllerReply.Refused($"revision {target} does not exist (known: {string.Join(", ", revisions.Select(v => v.Number))})");
            if (target == r.SpecRevision) return ControllerReply.Refused($"the spec already is revision {target}");

            var template = RevisionTemplates.Deserialize(record.TemplateJson);
            var yaml = SpecText.WithTemplate(r.SpecText, template);
            var doc = r.Document with { Spec = r.Spec with { Template = template } };
            var reply = await StoreAsync(doc, yaml, ct).ConfigureAwait(false);
            return reply.Ok ? ControllerReply.Done($"the spec is back at revision {target} ({template.Version}); {(target == stable ? "the release in progress is cancelled" : "it is released through the steps")}") : reply;
        }, ct);

    public Task<ControllerReply> DeleteAsync(string name, CancellationToken ct) =>
        OnLoop(async () =>
        {
            if (!_rollouts.ContainsKey(name))
            {
                if (_foreign?.Remove(name) != true) return ControllerReply.Missing(name);
                _appliedGatewayConfig = "";
                await ApplyGatewayAsync(ct).ConfigureAwait(false);
                return ControllerReply.Done($"the gateway listener '{name}' left by an earlier controller is closed");
            }
            _store.DeleteRollout(name); // first: a store that cannot write leaves the rollout running (503)
            _rollouts.Remove(name);
            _workload.RemoveAll(name);
            _appliedGatewayConfig = "";
            await ApplyGatewayAsync(ct).ConfigureAwait(false); // the reply says the listener is closed: it is, when the gateway answered
            return ControllerReply.Done($"rollout '{name}' deleted; its replicas are stopping and its listener is closed");
        }, ct);

    /// <summary>Replaces the gateway process by a new one that takes its listening sockets (no request is refused or dropped).</summary>
    public Task<ControllerReply> ReplaceGatewayAsync(CancellationToken ct) =>
        OnLoop(async () =>
        {
            var old = _gateway.Process.Info.Pid;
            try
            {
                await _gateway.Process.ReplaceAsync(ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                return ControllerReply.Refused($"the gateway pid {old} keeps serving; its replacement failed: {e.Message}");
            }
            await RefreshGatewayAsync(ct).ConfigureAwait(false);
            return ControllerReply.Done($"gateway pid {old} replaced by pid {_gateway.Process.Info.Pid}; it took the listening sockets, the old one finished its requests in flight");
        }, ct);

    private async ValueTask<ControllerReply> StoreAsync(RolloutDocument doc, string yaml, CancellationToken ct)
    {
        var name = doc.Metadata.Name;
        _rollouts.TryGetValue(name, out var existing);
        var listener = ServiceProtocols.Listener(name, doc.Spec.Service!);
        if ((existing?.Spec.Service is not { } was || ServiceProtocols.Listener(name, was) != listener)
            && await TryBindListenerAsync(listener, ct).ConfigureAwait(false) is { } bindError)
            return ControllerReply.Invalid([bindError]);

        var templateJson = RevisionTemplates.Serialize(doc.Spec.Template!);
        var hash = RevisionTemplates.Hash(templateJson);
        var revision = _store.ListRevisions(name).FirstOrDefault(v => v.TemplateHash == hash)?.Number
            ?? _store.AddRevision(name, templateJson, hash);

        var saved = TrySave(existing ?? new ManagedRollout(name, doc, yaml, 0), yaml, existing?.StatusJson ?? "");
        // Reverting to the stable template during a release cancels it: traffic back to stable, applied even when the
        // store cannot write (stored by the loop once it works). Any other change waits for the store.
        var cancels = existing?.Status is { CanaryRevision: not null, StepState: not (StepState.Aborted or StepState.Completed) } current
            && revision == current.StableRevision && revision != existing.SpecRevision;
        if (saved.IsFailed && !cancels)
            return ControllerReply.StoreUnavailable($"{saved.Error}; the spec was not stored and nothing changed");
        if (saved.IsConflict || saved.Rollout is null && !saved.IsFailed)
            return ControllerReply.Refused("the rollout was changed by someone else at the same time; try again");

        var r = existing ?? new ManagedRollout(name, doc, yaml, 0);
        var stepsChanged = existing is not null && StepsJson(existing.Spec) != StepsJson(doc.Spec);
        r.Document = doc;
        r.SpecText = yaml;
        if (saved.Rollout is { } stored) r.RowVersion = stored.RowVersion;
        r.UnstoredReason = saved.Error;
        r.SpecRevision = revision;
        r.Templates.Remove(revision);
        _rollouts[name] = r;
        _appliedGatewayConfig = "";

        if (stepsChanged && r.Status is { } s && revision == s.CanaryRevision
            && RolloutCommands.Apply(doc.Spec, s, new RolloutCommand(CommandKind.Jump, 0), _time.GetUtcNow()) is { Ok: true } restart)
            r.Status = restart.Status; // other steps mean other step indexes: start the release over at step 1

        var what = existing is null ? "created" : revision == existing.Status?.StableRevision ? "stable" : "updated";
        if (saved.IsFailed)
            return ControllerReply.StoreUnavailable($"{saved.Error}; the release is cancelled anyway (traffic goes back to stable) and the spec is stored as soon as the store works again");
        return ControllerReply.Done($"rollout '{name}' {what}; spec revision {revision} ({doc.Spec.Template!.Version})");
    }

    /// <summary>
    /// Binds a new, moved or changed listener now (the gateway's live config plus this listener, pushed from the loop
    /// like every config), so an address that cannot be bound, TLS files that do not load or a change the bound listener
    /// cannot take reject the spec, naming its field, instead of stalling it.
    /// </summary>
    private async ValueTask<FieldError?> TryBindListenerAsync(ListenerConfig listener, CancellationToken ct)
    {
        if (await _gateway.Client.ConfigAsync(ct).ConfigureAwait(false) is not { } current)
            return null; // the gateway is being restarted: the loop binds the listener, and logs a failure
        var listeners = current.Listeners.Where(l => l.Name != listener.Name).Append(listener).ToList();
        var result = await _gateway.ApplyAsync(current with { Listeners = listeners }, ct).ConfigureAwait(false);
        _appliedGatewayConfig = "";
        if (result is null || result.Accepted) return null;
        var field = result.Errors.Select(e => e.Field).FirstOrDefault(f => f.Contains(".tls", StringComparison.Ordinal)) is { } tls
            ? "spec.service.tls" + tls[(tls.IndexOf(".tls", StringComparison.Ordinal) + 4)..]
            : result.Errors.Any(e => e.Field.EndsWith(".protocols", StringComparison.Ordinal)) ? "spec.service.protocol" : "spec.service.listen";
        return new FieldError(field, string.Join("; ", result.Errors.Select(e => e.Message)));
    }

    private void LoadStoredRollouts()
    {
        foreach (var record in _store.ListRollouts())
        {
            var parsed = RolloutYaml.Parse(record.Spec);
            if (!parsed.Ok)
            {
                ControllerLog.StoredSpecInvalid(_logger, record.Name, string.Join("; ", parsed.Errors));
                continue;
            }
            var doc = parsed.Document!;
            var hash = RevisionTemplates.Hash(RevisionTemplates.Serialize(doc.Spec.Template!));
            var r = new ManagedRollout(record.Name, doc, record.Spec, record.RowVersion)
            {
                SpecRevision = _store.ListRevisions(record.Name).FirstOrDefault(v => v.TemplateHash == hash)?.Number ?? 0,
                StatusJson = record.StatusJson,
                Status = record.StatusJson.Length == 0 ? null : System.Text.Json.JsonSerializer.Deserialize<RolloutStatus>(record.StatusJson, CoreJson.Options),
            };
            if (r.SpecRevision == 0) continue;
            r.DesiredTraffic = r.Status?.Traffic;
            _rollouts[r.Name] = r;
            ControllerLog.Resumed(_logger, r.Name, r.Status?.Message ?? "(no status yet)");
        }
    }

    private static string StepsJson(RolloutSpec spec) =>
        System.Text.Json.JsonSerializer.Serialize(spec.Strategy, CoreJson.Options);

    private Task<ControllerReply> OnLoop(Func<ControllerReply> work, CancellationToken ct) =>
        OnLoop(() => ValueTask.FromResult(work()), ct);

    private async Task<ControllerReply> OnLoop(Func<ValueTask<ControllerReply>> work, CancellationToken ct)
    {
        var done = new TaskCompletionSource<ControllerReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _requests.Writer.WriteAsync(async () =>
        {
            try
            {
                done.TrySetResult(await work().ConfigureAwait(false));
            }
            catch (Exception e) when (StoreFailures.IsStoreFailure(e))
            {
                var reason = StoreFailures.Describe(e, _store.DatabasePath);
                _health.Failed(reason);
                done.TrySetResult(ControllerReply.StoreUnavailable(reason));
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        }, ct).ConfigureAwait(false);
        return await done.Task.WaitAsync(ct).ConfigureAwait(false);
    }
}
