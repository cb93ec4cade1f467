package io.bulwark.jakarta.data;

import io.bulwark.jakarta.UnknownOperationException;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.EntityExistsException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.OptimisticLockException;
import io.bulwark.store.client.StoreClient;
import io.bulwark.store.operation.OperationRegistry;
import jakarta.data.Limit;
import jakarta.data.Order;
import jakarta.data.Sort;
import jakarta.data.exceptions.EmptyResultException;
import jakarta.data.exceptions.NonUniqueResultException;
import jakarta.data.exceptions.OptimisticLockingFailureException;
import jakarta.data.page.PageRequest;
import jakarta.data.page.impl.CursoredPageRecord;
import jakarta.data.page.impl.PageRecord;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A repository proxy's calls, on the client: each abstract method becomes one store request (read-only
 * when the method only reads) carrying its query parameters (or entities), its dynamic sorts and the
 * window its {@code Limit} or {@code PageRequest} asks for; the certified {@link Outcome} becomes what the
 * method returns. The store's agreed failures become the exceptions Jakarta Data specifies:
 * {@code OptimisticLockingFailureException} (a version conflict, or updating or deleting an entity that is
 * not there), {@code jakarta.data.exceptions.EntityExistsException}, {@code EmptyResultException} and
 * {@code NonUniqueResultException} for single results. Sort properties and bounds are checked here too,
 * before anything is sent ({@code IllegalArgumentException}); the replicas check them again.
 */
final class RepositoryHandler implements InvocationHandler {
    private final RepositoryModel model;
    private final StoreClient store;

    RepositoryHandler(RepositoryModel model, StoreClient store) {
        this.model = model;
        this.store = store;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> args[0] != null && Proxy.isProxyClass(args[0].getClass()) && Proxy.getInvocationHandler(args[0]) == this;
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "Bulwark repository " + model.type().getName();
                default -> throw new UnsupportedOperationException(method.toString());
            };
        }
        if (method.isDefault()) return InvocationHandler.invokeDefault(proxy, method, args);
        RepositoryMethod m = model.method(method);
        String unsupported = m == null ? model.unsupported(method) : null;
        if (unsupported != null) throw new jakarta.data.exceptions.MappingException(unsupported);
        if (m == null) throw new IllegalStateException(method + " is not a method of repository " + model.type().getName());
        Object[] a = args == null ? new Object[0] : args;
        Call call = call(m, a);
        Outcome out;
        try {
            out = m.readOnly() ? store.invokeReadOnly(m.operationName(), Outcome.class, call.params, call.sorts, call.window)
                    : store.invoke(m.operationName(), Outcome.class, call.params, call.sorts, call.window);
        } catch (BadRequestException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(OperationRegistry.UNKNOWN_OPERATION))
                throw new UnknownOperationException(m.operationName(), model.type().getName() + "#" + method.getName(), e);
            throw e;
        } catch (OptimisticLockException e) {
            throw new OptimisticLockingFailureException(e.getMessage(), e);
        } catch (NotFoundException e) {
            throw new OptimisticLockingFailureException(e.getMessage(), e);
        } catch (EntityExistsException e) {
            throw new jakarta.data.exceptions.EntityExistsException(e.getMessage(), e);
        }
        return result(m, method, call, out, a);
    }

    private record Call(List<Object> params, List<SortKey> sorts, Window window, PageRequest pageRequest, boolean singleEntity) {}

    private Call call(RepositoryMethod m, Object[] a) {
        QuerySpec q = m.query();
        if (q.kind().takesEntities()) {
            Object arg = a[0];
            if (arg == null) throw new NullPointerException("null passed to " + m.method().getName() + " of " + model.type().getName());
            List<Object> entities = new ArrayList<>();
            boolean single = false;
            if (arg instanceof Object[] arr) entities.addAll(List.of(arr));
            else if (arg instanceof Iterable<?> it) for (Object o : it) entities.add(o);
            else {
                entities.add(arg);
                single = true;
            }
            if (entities.size() > DataLimits.MAX_ENTITIES)
                throw new IllegalArgumentException(entities.size() + " entities in one call, over the bound of " + DataLimits.MAX_ENTITIES);
            for (Object e : entities) if (e == null) throw new NullPointerException("a null entity passed to " + m.method().getName());
            return new Call(entities, List.of(), Window.ALL, null, single);
        }
        List<Object> params = new ArrayList<>();
        for (int i : m.queryParameters()) params.add(wire(a[i]));
        EntityInfo info = EntityInfo.of(q.entity());
        List<SortKey> sorts = new ArrayList<>();
        for (int i : m.sortParameters()) {
            Object s = a[i];
            if (s == null) throw new NullPointerException("a null sort passed to " + m.method().getName());
            if (s instanceof Sort<?> one) sorts.add(SortKey.of(one));
            else if (s instanceof Sort<?>[] many) for (Sort<?> x : many) sorts.add(SortKey.of(x));
            else for (Sort<?> x : (Order<?>) s) sorts.add(SortKey.of(x));
        }
        for (SortKey s : sorts) info.canonical(s.property());   // IllegalArgumentException naming the entity's properties
        PageRequest pr = m.pageParameter() >= 0 ? (PageRequest) a[m.pageParameter()] : null;
        boolean keys = m.shape() == RepositoryMethod.Shape.CURSORED_PAGE;
        Window w;
        if (m.pageParameter() >= 0) {
            if (pr == null) throw new NullPointerException("a null PageRequest passed to " + m.method().getName());
            boolean total = pr.requestTotal() && (m.shape() == RepositoryMethod.Shape.PAGE || m.shape() == RepositoryMethod.Shape.CURSORED_PAGE);
            w = switch (pr.mode()) {
                case OFFSET -> {
                    if (pr.page() > Long.MAX_VALUE / Math.max(1, pr.size())) throw new IllegalArgumentException("page " + pr.page() + " is too far");
                    yield new Window(Window.Mode.OFFSET, (pr.page() - 1) * pr.size(), pr.size(), List.of(), total, keys);
                }
                case CURSOR_NEXT -> new Window(Window.Mode.AFTER, 0, pr.size(), wireList(pr.cursor().orElseThrow().elements()), total, keys);
                case CURSOR_PREVIOUS -> new Window(Window.Mode.BEFORE, 0, pr.size(), wireList(pr.cursor().orElseThrow().elements()), total, keys);
            };
        } else if (m.limitParameter() >= 0) {
            Limit l = (Limit) a[m.limitParameter()];
            if (l == null) throw new NullPointerException("a null Limit passed to " + m.method().getName());
            w = new Window(Window.Mode.OFFSET, l.startAt() - 1, l.maxResults(), List.of(), false, false);
        } else if (m.shape() == RepositoryMethod.Shape.SINGLE || m.shape() == RepositoryMethod.Shape.OPTIONAL) {
            w = new Window(Window.Mode.OFFSET, 0, q.first() > 0 ? q.first() : 2, List.of(), false, false);   // two: enough to see it is not unique
        } else {
            w = Window.ALL;
        }
        String problem = w.problem();
        if (problem != null) throw new IllegalArgumentException(m.method().getName() + ": " + problem);
        return new Call(params, sorts, w, pr, false);
    }

    /** Arguments as the codec carries them: arrays of objects as lists, other collections as they are. */
    private static Object wire(Object v) {
        if (v instanceof Object[] arr) return new ArrayList<>(List.of(arr));
        return v;
    }

    private static List<Object> wireList(List<?> elements) { return new ArrayList<>(elements); }

    private Object result(RepositoryMethod m, Method method, Call call, Outcome out, Object[] args) {
        List<Object> items = out.values();
        Class<?> ret = method.getReturnType();
        switch (m.shape()) {
            case VOID:
                return null;
            case LONG:
                return ret == long.class || ret == Long.class ? (Object) out.affected() : (Object) Math.toIntExact(out.affected());
            case INT:
                return Math.toIntExact(out.affected());
            case BOOLEAN:
                return out.affected() > 0;
            case SINGLE:
                if (m.query().kind().takesEntities()) return items.isEmpty() ? null : items.get(0);
                if (items.isEmpty()) throw new EmptyResultException(method.getName() + ": no result");
                if (items.size() > 1 && m.query().first() != 1) throw new NonUniqueResultException(method.getName() + ": more than one result");
                return items.get(0);
            case OPTIONAL:
                if (items.size() > 1 && m.query().first() != 1) throw new NonUniqueResultException(method.getName() + ": more than one result");
                return items.isEmpty() ? Optional.empty() : Optional.ofNullable(items.get(0));
            case LIST:
                return new ArrayList<>(items);
            case STREAM:
                return new ArrayList<>(items).stream();
            case ARRAY:
                Object arr = Array.newInstance(ret.getComponentType(), items.size());
                for (int i = 0; i < items.size(); i++) Array.set(arr, i, items.get(i));
                return arr;
            case PAGE:
                return new PageRecord<>(call.pageRequest(), new ArrayList<>(items), out.total(), out.more());
            case CURSORED_PAGE:
                List<PageRequest.Cursor> cursors = new ArrayList<>();
                for (List<Object> k : out.cursorKeys()) cursors.add(PageRequest.Cursor.forKey(k.toArray()));
                PageRequest pr = call.pageRequest();
                PageRequest next = null, previous = null;
                if (!items.isEmpty()) {
                    if (out.more()) next = PageRequest.afterCursor(cursors.get(cursors.size() - 1), pr.page() + 1, pr.size(), pr.requestTotal());
                    if (out.previous() && pr.page() > 1)
                        previous = PageRequest.beforeCursor(cursors.get(0), pr.page() - 1, pr.size(), pr.requestTotal());
                }
                return new CursoredPageRecord<>(new ArrayList<>(items), cursors, out.total(), pr, next, previous);
            default:
                throw new IllegalStateException(m.shape().toString());
        }
    }

    static Object newProxy(RepositoryModel model, StoreClient store) {
        return Proxy.newProxyInstance(model.type().getClassLoader(), new Class<?>[] {model.type()}, new RepositoryHandler(model, store));
    }
}
