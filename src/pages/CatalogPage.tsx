/** The first page: products from `GET /products`, each with "Add to cart". */
import { Button, Card, Flex, Heading, Image, Text, VisuallyHidden } from '@aws-amplify/ui-react';
import { useState } from 'react';
import { formatPrice } from '../../amplify/domain/catalog.ts';
import { EmptyState, ErrorState, LoadingState, PageHeading } from '../components/common.tsx';
import type { CatalogProduct } from '../lib/api.ts';
import { href } from '../lib/router.ts';
import { cartStore, useCartLines, useProducts } from '../lib/store.ts';

function ProductCard({ product, inCart, onAdd }: { product: CatalogProduct; inCart: number; onAdd: () => void }) {
  const headingId = `product-${product.productId}`;
  return (
    <Card as="article" variation="outlined" className="product-card" aria-labelledby={headingId}>
      <Image src={product.image} alt="" width="160" height="120" className="product-image" loading="lazy" />
      <Heading level={2} id={headingId} className="product-name">
        {product.name}
      </Heading>
      <Text className="product-description">{product.description}</Text>
      <Flex justifyContent="space-between" alignItems="center" wrap="wrap" gap="small" className="product-footer">
        <Text as="span" className="price" fontWeight="bold">
          {formatPrice(product.price)}
        </Text>
        <Button variation="primary" size="small" onClick={onAdd}>
          Add to cart<VisuallyHidden> {product.name}</VisuallyHidden>
        </Button>
      </Flex>
      {inCart > 0 && (
        <Text fontSize="small" className="in-cart">
          {inCart} in your <a href={href.cart()}>cart</a>
        </Text>
      )}
    </Card>
  );
}

export function CatalogPage() {
  const products = useProducts();
  const lines = useCartLines();
  const [announcement, setAnnouncement] = useState('');

  const add = (product: CatalogProduct) => {
    const result = cartStore.add(product.productId);
    setAnnouncement(
      result.limited === 'quantity'
        ? `You can order at most the maximum quantity of ${product.name}; your cart already has it.`
        : result.limited === 'items'
          ? `Your cart is full; remove a product before adding ${product.name}.`
          : `Added ${product.name} to your cart.`,
    );
  };

  return (
    <>
      <PageHeading title="Shop">Desk gear, delivered</PageHeading>
      <Text className="lede">Pick what you need, check out, and follow your order from payment to your door.</Text>
      <p role="status" className="announcement">
        {announcement}
      </p>
      {products.status === 'loading' && <LoadingState label="Loading products…" />}
      {products.status === 'error' && <ErrorState title="We could not load the products" error={products.error} onRetry={products.reload} />}
      {products.status === 'success' &&
        (products.data.length === 0 ? (
          <EmptyState title="Nothing for sale right now">
            <Text>Please come back later.</Text>
          </EmptyState>
        ) : (
          <div className="product-grid">
            {products.data.map((product) => (
              <ProductCard
                key={product.productId}
                product={product}
                inCart={lines.find((l) => l.productId === product.productId)?.quantity ?? 0}
                onAdd={() => add(product)}
              />
            ))}
          </div>
        ))}
    </>
  );
}
