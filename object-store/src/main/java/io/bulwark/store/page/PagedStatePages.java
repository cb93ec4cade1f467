package io.bulwark.store.page;

import io.bulwark.bft.service.PagedState;

/** {@link Pages} over the engine's replicated {@link PagedState}: {@link #write} is the engine's {@code modify}. */
public final class PagedStatePages implements Pages {
    private final PagedState state;

    public PagedStatePages(PagedState state) {
        if (state == null) throw new IllegalArgumentException("paged state is null");
        if (state.pageSize() != PAGE_SIZE)
            throw new IllegalArgumentException("paged state has " + state.pageSize() + "-byte pages, the store needs " + PAGE_SIZE);
        this.state = state;
    }

    @Override
    public int pageCount() { return state.pageCount(); }

    @Override
    public byte[] read(int page) { return state.read(page); }

    @Override
    public byte[] write(int page) { return state.modify(page); }
}
