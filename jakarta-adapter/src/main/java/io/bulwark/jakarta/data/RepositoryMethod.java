package io.bulwark.jakarta.data;

import io.bulwark.jakarta.contract.OperationNames;
import jakarta.data.Limit;
import jakarta.data.Order;
import jakarta.data.Sort;
import jakarta.data.page.CursoredPage;
import jakarta.data.page.Page;
import jakarta.data.page.PageRequest;
import jakarta.data.repository.By;
import jakarta.data.repository.Delete;
import jakarta.data.repository.Find;
import jakarta.data.repository.Insert;
import jakarta.data.repository.OrderBy;
import jakarta.data.repository.Param;
import jakarta.data.repository.Query;
import jakarta.data.repository.Save;
import jakarta.data.repository.Update;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One abstract method of a repository, analysed once (the same way on clients and replicas): what it
 * does ({@link QuerySpec}), which of its parameters are query parameters and which are the special
 * ones ({@code Sort}, {@code Sort...}, {@code Order}, {@code Limit}, {@code PageRequest}), what it returns
 * ({@link Shape}), and its store operation's name ({@code Repository.method-} and a digest of the
 * signature, as for {@code @Replicated} contracts). IllegalArgumentException naming the method for
 * anything the provider does not support.
 */
public final class RepositoryMethod {
    /** How a result reaches the caller. */
    enum Shape { VOID, LONG, INT, BOOLEAN, SINGLE, OPTIONAL, LIST, STREAM, ARRAY, PAGE, CURSORED_PAGE }

    private final Class<?> repository;
    private final Method method;
    private final String operationName;
    private final QuerySpec query;
    private final List<Integer> queryParameters = new ArrayList<>();
    private final List<Integer> sortParameters = new ArrayList<>();
    private int limitParameter = -1, pageParameter = -1;
    private final Shape shape;
    private final Class<?> element;

    RepositoryMethod(RepositoryModel repo, Method m) {
        this.repository = repo.type();
        this.method = m;
        this.operationName = OperationNames.of(repository, m);
        String where = repository.getName() + "." + m.getName();
        try {
            Parameter[] ps = m.getParameters();
            for (int i = 0; i < ps.length; i++) {
                Class<?> t = ps[i].getType();
                if (t == Sort.class || t == Sort[].class || t == Order.class) sortParameters.add(i);
                else if (t == Limit.class) limitParameter = setOnce(limitParameter, i, "Limit");
                else if (t == PageRequest.class) pageParameter = setOnce(pageParameter, i, "PageRequest");
                else queryParameters.add(i);
            }
            if (limitParameter >= 0 && pageParameter >= 0) throw new IllegalArgumentException("takes both a Limit and a PageRequest");
            Class<?> ret = m.getReturnType();
            this.shape = shape(ret);
            Class<?> elem = shape == Shape.ARRAY ? ret.getComponentType() : repo.resolve(elementType(m));
            this.query = analyse(repo, m, elem).resolved();
            this.element = elem == null || elem == Object.class ? query.entity() : elem;
            check(repo);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("repository method " + where + ": " + e.getMessage(), e);
        }
    }

    private static int setOnce(int current, int i, String what) {
        if (current >= 0) throw new IllegalArgumentException("takes more than one " + what);
        return i;
    }

    private QuerySpec analyse(RepositoryModel repo, Method m, Class<?> elem) {
        int annotations = count(m, Find.class, Query.class, Insert.class, Update.class, Delete.class, Save.class);
        if (annotations > 1) throw new IllegalArgumentException("has more than one of @Find, @Query, @Insert, @Update, @Delete, @Save");
        List<SortKey> orderBy = new ArrayList<>();
        for (OrderBy o : m.getAnnotationsByType(OrderBy.class)) orderBy.add(new SortKey(o.value(), !o.descending(), o.ignoreCase()));
        if (m.isAnnotationPresent(Insert.class) || m.isAnnotationPresent(Update.class) || m.isAnnotationPresent(Save.class)
                || m.isAnnotationPresent(Delete.class) && entityParameter(repo, m) != null) {
            Class<?> entity = entityParameter(repo, m);
            if (entity == null) throw new IllegalArgumentException("takes no entity, a List or array of entities (exactly one parameter)");
            QuerySpec.Kind kind = m.isAnnotationPresent(Insert.class) ? QuerySpec.Kind.INSERT : m.isAnnotationPresent(Update.class)
                    ? QuerySpec.Kind.UPDATE_ENTITIES : m.isAnnotationPresent(Save.class) ? QuerySpec.Kind.SAVE : QuerySpec.Kind.DELETE_ENTITIES;
            return QuerySpec.entities(kind, entity);
        }
        if (m.isAnnotationPresent(Query.class)) {
            List<String> names = new ArrayList<>();
            for (int i : queryParameters) {
                Parameter p = m.getParameters()[i];
                Param named = p.getAnnotation(Param.class);
                names.add(named != null ? named.value() : p.getName());
            }
            // Without FROM the query's entity is the primary one; a repository with none (several entities) says it by the result.
            Class<?> implied = repo.primary() != null ? repo.primary() : EntityInfo.isEntity(elem) ? elem : null;
            QuerySpec q = Jdql.parse(m.getAnnotation(Query.class).value(), implied, repo::entityNamed, names, repository.getClassLoader());
            if (!orderBy.isEmpty()) q = new QuerySpec(q.kind(), q.entity(), q.where(), concat(q.orderBy(), orderBy), 0, q.select(), q.set());
            return q;
        }
        if (m.isAnnotationPresent(Find.class) || m.isAnnotationPresent(Delete.class)) {
            Class<?> entity = EntityInfo.isEntity(elem) ? elem : repo.primary();
            if (entity == null) throw new IllegalArgumentException("finds no entity: its result is not an entity and the repository has no primary entity");
            List<Expr> conds = new ArrayList<>();
            for (int k = 0; k < queryParameters.size(); k++) {
                Parameter p = m.getParameters()[queryParameters.get(k)];
                By by = p.getAnnotation(By.class);
                String prop = by != null ? by.value() : p.getName();
                if (by == null && p.getName().matches("arg\\d+"))
                    throw new IllegalArgumentException("parameter " + k + " has no @By and no name (compile with -parameters)");
                boolean collection = java.util.Collection.class.isAssignableFrom(p.getType());
                conds.add(new Expr.Cond(prop, collection ? Op.IN : Op.EQ, false, false, List.of(new Operand.Param(k))));
            }
            Expr where = conds.isEmpty() ? null : conds.size() == 1 ? conds.get(0) : new Expr.And(conds);
            QuerySpec.Kind kind = m.isAnnotationPresent(Find.class) ? QuerySpec.Kind.FIND : QuerySpec.Kind.DELETE;
            return new QuerySpec(kind, entity, where, orderBy, 0, null, List.of());
        }
        if (!MethodNameQuery.matches(m.getName()))
            throw new IllegalArgumentException("is neither annotated (@Find, @Query, @Insert, @Update, @Delete, @Save) nor a query by method name");
        Class<?> entity = repo.primary();
        if (entity == null) throw new IllegalArgumentException("a query by method name needs the repository's primary entity (extend DataRepository<E, K>)");
        QuerySpec q = MethodNameQuery.parse(m.getName(), entity);
        return orderBy.isEmpty() ? q : new QuerySpec(q.kind(), q.entity(), q.where(), concat(q.orderBy(), orderBy), q.first(), null, List.of());
    }

    private static List<SortKey> concat(List<SortKey> a, List<SortKey> b) {
        List<SortKey> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @SafeVarargs
    private static int count(Method m, Class<? extends java.lang.annotation.Annotation>... types) {
        int n = 0;
        for (Class<? extends java.lang.annotation.Annotation> t : types) if (m.isAnnotationPresent(t)) n++;
        return n;
    }

    /** The entity class of a lifecycle method's single parameter (an entity, a List of them, or an array), or null. */
    private Class<?> entityParameter(RepositoryModel repo, Method m) {
        if (m.getParameterCount() != 1) return null;
        java.lang.reflect.Type t = m.getGenericParameterTypes()[0];
        Class<?> raw = m.getParameterTypes()[0];
        Class<?> c;
        if (raw.isArray()) c = repo.resolve(raw.getComponentType() == Object.class && t instanceof java.lang.reflect.GenericArrayType g ? g.getGenericComponentType() : raw.getComponentType());
        else if (List.class.isAssignableFrom(raw) || Iterable.class == raw) c = t instanceof java.lang.reflect.ParameterizedType p ? repo.resolve(p.getActualTypeArguments()[0]) : null;
        else c = repo.resolve(t);
        return EntityInfo.isEntity(c) ? c : null;
    }

    private static Shape shape(Class<?> r) {
        if (r == void.class || r == Void.class) return Shape.VOID;
        if (r == long.class || r == Long.class) return Shape.LONG;
        if (r == int.class || r == Integer.class) return Shape.INT;
        if (r == boolean.class || r == Boolean.class) return Shape.BOOLEAN;
        if (r == Optional.class) return Shape.OPTIONAL;
        if (r == List.class || r == java.util.Collection.class || r == Iterable.class) return Shape.LIST;
        if (r == Stream.class) return Shape.STREAM;
        if (r.isArray()) return Shape.ARRAY;
        if (r == CursoredPage.class) return Shape.CURSORED_PAGE;
        if (r == Page.class) return Shape.PAGE;
        return Shape.SINGLE;
    }

    private static java.lang.reflect.Type elementType(Method m) {
        java.lang.reflect.Type t = m.getGenericReturnType();
        if (t instanceof java.lang.reflect.ParameterizedType p && p.getActualTypeArguments().length == 1) return p.getActualTypeArguments()[0];
        return t;
    }

    private void check(RepositoryModel repo) {
        QuerySpec.Kind k = query.kind();
        if (k.takesEntities()) {
            if (!sortParameters.isEmpty() || limitParameter >= 0 || pageParameter >= 0) throw new IllegalArgumentException("a lifecycle method takes only its entities");
            if (!(shape == Shape.VOID || shape == Shape.SINGLE || shape == Shape.LIST || shape == Shape.ARRAY || shape == Shape.LONG || shape == Shape.INT))
                throw new IllegalArgumentException("returns " + method.getReturnType().getSimpleName() + ": return void, the entity, a List or array of them"
                        + (k == QuerySpec.Kind.DELETE_ENTITIES ? ", or a count" : ""));
            return;
        }
        int needed = needed(query.where());
        if (needed > queryParameters.size())
            throw new IllegalArgumentException("the query needs " + needed + " parameter(s), the method has " + queryParameters.size());
        if (needed < queryParameters.size())
            throw new IllegalArgumentException("the query uses " + needed + " parameter(s), the method has " + queryParameters.size()
                    + " that are not Sort, Order, Limit or PageRequest");
        switch (k) {
            case COUNT -> require(shape == Shape.LONG || shape == Shape.INT, "a count returns long or int");
            case EXISTS -> require(shape == Shape.BOOLEAN, "an existence test returns boolean");
            case DELETE, UPDATE -> require(shape == Shape.VOID || shape == Shape.LONG || shape == Shape.INT || shape == Shape.BOOLEAN,
                    "a delete or update query returns void, long, int or boolean");
            default -> {
                require(shape != Shape.VOID && shape != Shape.LONG && shape != Shape.INT && shape != Shape.BOOLEAN || query.select() != null,
                        "a find returns the entity, Optional, List, Stream, an array, Page or CursoredPage");
                require(pageParameter >= 0 || shape != Shape.PAGE && shape != Shape.CURSORED_PAGE, "returns a page but takes no PageRequest");
                require(shape != Shape.CURSORED_PAGE || query.select() == null, "cursor paging needs whole entities, not a projection");
            }
        }
        if (query.kind() != QuerySpec.Kind.FIND && (pageParameter >= 0 || limitParameter >= 0 || !sortParameters.isEmpty()))
            throw new IllegalArgumentException("only a find takes Sort, Order, Limit or PageRequest");
    }

    private static void require(boolean ok, String why) {
        if (!ok) throw new IllegalArgumentException(why);
    }

    /** How many query parameters {@code e} refers to (the highest index plus one). */
    private int needed(Expr e) {
        int n = 0;
        if (e instanceof Expr.Cond c) {
            for (Operand o : c.operands()) if (o instanceof Operand.Param p) n = Math.max(n, p.index() + 1);
        } else if (e instanceof Expr.And a) {
            for (Expr x : a.all()) n = Math.max(n, needed(x));
        } else if (e instanceof Expr.Or o) {
            for (Expr x : o.any()) n = Math.max(n, needed(x));
        } else if (e instanceof Expr.Not x) {
            n = needed(x.inner());
        }
        for (QuerySpec.Assignment a : query == null ? List.<QuerySpec.Assignment>of() : query.set()) {
            Operand v = a.value() instanceof Operand.Arithmetic ar ? ar.right() : a.value();
            if (v instanceof Operand.Param p) n = Math.max(n, p.index() + 1);
        }
        return n;
    }

    public String operationName() { return operationName; }

    public Method method() { return method; }

    public boolean readOnly() { return query.kind().readOnly(); }

    QuerySpec query() { return query; }

    Shape shape() { return shape; }

    Class<?> element() { return element; }

    List<Integer> queryParameters() { return queryParameters; }

    int queryParameterCount() { return queryParameters.size(); }

    List<Integer> sortParameters() { return sortParameters; }

    int limitParameter() { return limitParameter; }

    int pageParameter() { return pageParameter; }

    @Override public String toString() { return operationName; }
}
