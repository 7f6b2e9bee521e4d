import { Table, type TableColumnsType } from 'antd';
import { EmptyState } from '../../components/States.js';

/** The table of every settings tab: the tenant's objects, 50 a page, with the designed empty state. */
export function SettingsTable<T extends { id: number }>({ list, columns }: { list: { isPending: boolean; data?: { items: T[] } }; columns: TableColumnsType<T> }) {
  return (
    <Table<T>
      size="small"
      rowKey="id"
      loading={list.isPending}
      dataSource={list.data?.items ?? []}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      locale={{ emptyText: <EmptyState /> }}
      columns={columns}
    />
  );
}
